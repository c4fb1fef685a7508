"""Partnership staff's roles, and the approval every page change goes through.

- Editors write: they add and edit pages, documents, images and snippets (procedure links,
  chapters, updates and partnerships; promoted search results) and submit pages for
  approval. They cannot publish, unpublish or delete what they did not create.
- Approvers approve or reject what Editors submit (and may correct it first), and publish
  and unpublish pages. They are Wagtail's "Moderators" group, renamed, so anyone already in
  it keeps the role. Someone who both writes and approves belongs to both groups.
- Reviewers (documents 0003) also see the checks due after procedure updates.

Each group gets exactly these permissions: this replaces Wagtail's broader defaults.
Administrators are superusers; no group manages users, groups, workflows or settings.

The "Partnership approval" workflow (Wagtail's default "Moderators approval", renamed)
covers the whole site: its one task is approval by an Approver, who is emailed.
"""

from django.db import migrations

EDITORS = "Editors"
APPROVERS = "Approvers"
REVIEWERS = "Reviewers"
WAGTAIL_MODERATORS = "Moderators"
WORKFLOW = "Partnership approval"
TASK = "Approval by an Approver"
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"

SNIPPETS = [
    ("procedures", "procedurelink"),
    ("procedures", "procedurechapter"),
    ("procedures", "procedureupdate"),
    ("procedures", "consortiumpartnership"),
    ("site_search", "promotedresult"),
]


def get_permission(apps, app_label, model, codename, name):
    # On a fresh database post_migrate has not created content types and permissions yet.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def model_permission(apps, app_label, model, action):
    verbose_name = apps.get_model(app_label, model)._meta.verbose_name
    return get_permission(apps, app_label, model, f"{action}_{model}", f"Can {action} {verbose_name}")


def grant_exactly(apps, group, permissions, page_actions, collection_permissions):
    """Give the group these permissions, these actions on every page and these on every
    document and image, and take away anything else it had."""
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    group.permissions.set(permissions)

    root_page = Page.objects.get(depth=1)
    page_permissions = [
        model_permission(apps, "wagtailcore", "page", action) for action in page_actions
    ]
    GroupPagePermission.objects.filter(group=group).delete()
    for permission in page_permissions:
        GroupPagePermission.objects.create(group=group, page=root_page, permission=permission)

    root_collection = Collection.objects.get(depth=1)
    GroupCollectionPermission.objects.filter(group=group).delete()
    for permission in collection_permissions:
        GroupCollectionPermission.objects.create(
            group=group, collection=root_collection, permission=permission
        )


def set_up_roles_and_approval(apps, schema_editor):
    Group = apps.get_model("auth", "Group")

    access_admin = get_permission(
        apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"
    )

    def media(*actions):
        return [
            model_permission(apps, app_label, model, action)
            for app_label, model in (("wagtaildocs", "document"), ("wagtailimages", "image"))
            for action in actions
        ]

    # Wagtail's Site history shows a model's log entries (file replacements, reviews) to
    # whoever has one of its model permissions; documents are otherwise permitted per
    # collection, so this one grants nothing else.
    see_document_history = model_permission(apps, "documents", "protocoldocument", "view")

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    grant_exactly(
        apps,
        editors,
        [
            access_admin,
            see_document_history,
            *(
                model_permission(apps, app_label, model, action)
                for app_label, model in SNIPPETS
                for action in ("add", "change")
            ),
        ],
        page_actions=["add", "change"],
        collection_permissions=media("add", "change", "choose"),
    )

    approvers = Group.objects.filter(name=APPROVERS).first()
    if approvers is None:
        approvers = Group.objects.filter(name=WAGTAIL_MODERATORS).first() or Group(
            name=APPROVERS
        )
        approvers.name = APPROVERS
        approvers.save()
    grant_exactly(
        apps,
        approvers,
        [access_admin, see_document_history],
        # Without "change" they cannot write or delete pages: the approval task opens the
        # editor to them while a page awaits their decision.
        page_actions=["publish"],
        # Pages they approve may choose documents and images.
        collection_permissions=media("choose"),
    )

    Group.objects.get(name=REVIEWERS).permissions.add(
        get_permission(
            apps,
            "procedures",
            "procedureupdate",
            "view_procedure_checks",
            "Can see the pages and documents to check after procedure updates",
        )
    )

    set_up_partnership_approval(apps, approvers)


def set_up_partnership_approval(apps, approvers):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    task = GroupApprovalTask.objects.filter(name__in=[TASK, WAGTAIL_DEFAULT_WORKFLOW]).first()
    if task is None:
        # Tasks are polymorphic: the real model sets its content type on save, the
        # migration's model cannot.
        content_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask(content_type=content_type)
    task.name = TASK
    task.active = True
    task.save()
    task.groups.set([approvers])

    workflow = Workflow.objects.filter(
        name__in=[WORKFLOW, WAGTAIL_DEFAULT_WORKFLOW]
    ).first() or Workflow()
    workflow.name = WORKFLOW
    workflow.active = True
    workflow.save()
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(
        page=Page.objects.get(depth=1), defaults={"workflow": workflow}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0003_reviewers_group"),
        ("procedures", "0001_initial"),
        ("site_search", "0001_promoted_results"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(set_up_roles_and_approval, migrations.RunPython.noop)]
