from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from partnership_site import media
from search import views as search_views
from sitewide import views as sitewide_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("feedback/", include("feedback.urls")),
    path("briefings/", include("learning.urls")),
    path("alerts/", include("alerts.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", sitewide_views.robots_txt, name="robots_txt"),
    path("favicon.ico", sitewide_views.favicon, name="favicon"),
    path("media/images/<path:path>", media.rendition, name="rendition"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
