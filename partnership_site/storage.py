from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class SiteServedS3Storage(S3Storage):
    """Image renditions kept in object storage, but linked to the site's own address, which
    serves them (partnership_site.media): visitors' browsers ask nothing of other sites."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name)
