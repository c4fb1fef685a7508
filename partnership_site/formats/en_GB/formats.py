"""What partnership staff may type into the admin's dates: the format the date pickers
show (WAGTAIL_DATE_FORMAT, UK order with the month in words) first, so that a date comes
back as it was shown, then the numeric UK and ISO forms. Other formats are Django's own."""

DATE_INPUT_FORMATS = [
    "%d %B %Y",  # 01 November 2026, as the date pickers write it
    "%d %b %Y",  # 01 Nov 2026
    "%d/%m/%Y",  # 01/11/2026
    "%d/%m/%y",  # 01/11/26
    "%Y-%m-%d",  # 2026-11-01
]
DATETIME_INPUT_FORMATS = [
    "%d %B %Y %H:%M",  # as the date and time pickers write it
    "%d %B %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
]
