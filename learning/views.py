from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from pages.models import SevenMinuteBriefingPage
from pages.privacy import is_hidden, paths_hidden_from

from .forms import BriefingUseForm

# Enough for a training lead reporting several teams, too few for a flood.
POSTS_PER_HOUR = 10


def shown_briefing(request, briefing_id):
    briefing = SevenMinuteBriefingPage.objects.live().filter(pk=briefing_id).first()
    if briefing is None or is_hidden(briefing, paths_hidden_from(request)):
        raise Http404
    return briefing


def throttled(request):
    """Count this post against the sender's address; True once it is over the limit."""
    key = f"we-used-this:{get_client_ip_address(request)}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        return cache.incr(key) > POSTS_PER_HOUR
    except ValueError:
        # The entry expired (or the cache lost it) between add and incr: a fresh hour.
        cache.set(key, 1, timeout=60 * 60)
        return False


@never_cache
def we_used_this(request, briefing_id):
    """The "We used this" form of a 7-minute briefing, on a page of its own: only a visitor
    who opens it gets the CSRF cookie, so the briefing pages stay cookie-free and cached."""
    briefing = shown_briefing(request, briefing_id)
    status = 200
    if request.method == "POST":
        form = BriefingUseForm(request.POST)
        if throttled(request):
            status = 429
            form.add_error(
                None,
                "This connection has sent a lot of reports in the last hour. "
                "Keep this page open and send it again later.",
            )
        elif form.is_spam:
            return redirect("learning:we_used_this_thanks", briefing_id=briefing.pk)
        elif form.is_valid():
            form.instance.briefing = briefing
            form.save()
            return redirect("learning:we_used_this_thanks", briefing_id=briefing.pk)
        else:
            status = 400
    else:
        form = BriefingUseForm()
    return render(
        request, "learning/we_used_this.html", {"briefing": briefing, "form": form}, status=status
    )


@never_cache
def we_used_this_thanks(request, briefing_id):
    briefing = shown_briefing(request, briefing_id)
    return render(request, "learning/we_used_this_thanks.html", {"briefing": briefing})
