from tests.core.conftest import FeedHost, feed_host

__all__ = ["FeedHost", "feed_host"]
