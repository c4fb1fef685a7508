"""Production settings plus one minimal view, the framework's ceiling to compare against."""

from partnership_site.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
