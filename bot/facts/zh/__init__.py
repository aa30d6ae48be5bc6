"""Chinese rules: claims from entries written in Chinese, judged for the same tracked facts.

The rules are data like the English ones: each fact's ``hints.zh`` in ``seeds/`` and
``languages.zh`` (vocabularies, roles, topic terms) in ``config/topics.yaml``. Text in
traditional characters is read through a character-for-character simplified copy, so offsets
(and the evidence quoted as published) stay those of the original.
"""
