from wagtail import blocks

from .opening_hours import WEEKDAYS


class OpeningPeriodBlock(blocks.StructBlock):
    days = blocks.MultipleChoiceBlock(choices=WEEKDAYS)
    opens = blocks.TimeBlock()
    closes = blocks.TimeBlock()

    def clean(self, value):
        value = super().clean(value)
        if value["opens"] >= value["closes"]:
            raise blocks.StructBlockValidationError(
                non_block_errors=["The closing time must be after the opening time."]
            )
        return value

    class Meta:
        icon = "time"
        description = "Days of the week and the hours the team answers on them."
        preview_value = {
            "days": ["0", "1", "2", "3", "4"],
            "opens": "08:00",
            "closes": "18:00",
        }
