from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class DaySource(models.TextChoices):
    PACKAGE = "chinese-calendar", _("chinese-calendar 软件包")
    ADMIN = "admin", _("管理后台")
    IMPORT = "import", _("文件导入")


class YearStatus(models.TextChoices):
    DRAFT = "draft", _("未发布（草稿）")
    PUBLISHED = "published", _("已发布")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("小时（自然时间）")
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日（末日顺延）")
    BUSINESS_HOURS = "business_hours", _("服务时间内小时")


DAY_UNITS = frozenset({DeadlineUnit.WORKING_DAYS.value, DeadlineUnit.CALENDAR_DAYS.value})


class ClockStatus(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    STOPPED = "stopped", _("已停止")
