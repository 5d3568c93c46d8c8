"""The admin's one date format (techspec_project/admin_display.DATE_FORMAT), for the pages Django renders itself.

Django's English default ("March 2, 2025, 8 a.m.") beside the lists' 2025-03-02 08:00
gave staff two formats to read; these replace only how dates are shown, not parsed.
"""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
