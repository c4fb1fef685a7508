from django.contrib import messages as django_messages
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.permissions import policy_registry

from . import two_factor_views


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    urls = [
        path("verify/", two_factor_views.verify, name="verify"),
        path("", two_factor_views.set_up, name="set_up"),
    ]
    return [path("two-factor/", include((urls, "two_factor")))]


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    return MenuItem("Two-factor sign-in", reverse("two_factor:set_up"), icon_name="key")


@hooks.register("construct_reports_menu")
def hide_reports_that_show_nothing(request, menu_items):
    # "Aging pages" lists only the pages the user may publish: an Editor would see it empty.
    if not policy_registry.get_by_type(Page).user_has_permission(request.user, "publish"):
        menu_items[:] = [item for item in menu_items if item.name != "aging-pages"]


@hooks.register("before_edit_page")
def say_whose_unsubmitted_draft_is_being_continued(request, page):
    """An editor opening a page whose draft was left unsubmitted (by someone else, or by
    themselves before this sign-in, e.g. autosaved) is told so, with a way back to the
    published page: otherwise they would silently carry on from it."""
    if request.method != "GET" or not page.live or not page.has_unpublished_changes:
        return
    draft, published = page.latest_revision, page.live_revision
    if draft is None or published is None or draft.pk == published.pk:
        return
    if page.workflow_in_progress:
        return
    user = request.user
    if draft.user_id == user.pk and user.last_login and draft.created_at >= user.last_login:
        return
    if draft.user_id == user.pk:
        author = "you"
    elif draft.user is not None:
        author = draft.user.get_full_name() or draft.user.get_username()
    else:
        author = "a former member of staff"
    saved = date_format(timezone.localtime(draft.created_at), "j F Y \\a\\t H:i")
    messages.warning(
        request,
        f"You are continuing a draft saved by {author} on {saved}, not yet submitted for "
        "approval. Check its changes, or start again from the published page.",
        buttons=[
            messages.button(
                reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, published.pk]),
                "Start again from the published page",
            ),
            messages.button(
                reverse(
                    "wagtailadmin_pages:revisions_compare",
                    kwargs={"pk": page.pk, "revision_id_a": "live", "revision_id_b": "latest"},
                ),
                "Compare with the published page",
            ),
        ],
    )


# The approver's decision first, unpublishing last: never the main button by accident.
ACTION_RANK = {"approve": 0, "reject": 1, "action-unpublish": 3}


@hooks.register("construct_page_action_menu")
def put_the_approvers_decision_first(menu_items, request, context):
    if any(item.name == "approve" for item in menu_items):
        # Approving is what publishes a page in the partnership's workflow: a second,
        # separate Publish would bypass the approval it records.
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]
    menu_items.sort(key=lambda item: (ACTION_RANK.get(item.name, 2), item.order))


@hooks.register("after_edit_page")
def say_what_approving_did(request, page):
    """After an Approver approves from the page editor, Wagtail says only that the page "has
    been updated": say instead what approval did, in the workflow's terms."""
    approving = request.POST.get("action-workflow-action") and (
        request.POST.get("workflow-action-name") == "approve"
    )
    if not approving:
        return
    title = page.get_admin_display_title()
    if page.workflow_in_progress:
        task = page.current_workflow_task
        said = f"“{title}” approved, awaiting {task.name if task else 'the next step'}."
    elif page.get_view_restrictions().exists():
        said = f"“{title}” approved and published: those it is restricted to now see it."
    else:
        said = f"“{title}” approved and published: practitioners now see it."
    # Reading the messages marks those already added, Wagtail's "has been updated" among
    # them, as shown; the others are added again after this one.
    # Wagtail's message is HTML, its quotes escaped.
    others = [
        message
        for message in django_messages.get_messages(request)
        if not str(message.message).strip().endswith("has been updated.")
    ]
    messages.success(request, said)
    for message in others:
        django_messages.add_message(
            request, message.level, message.message, extra_tags=message.extra_tags
        )
