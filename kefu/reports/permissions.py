from kefu.org.permissions import grant, register


class ReportsP:
    VIEW = register("reports.view", "查看报表与指标", read_only=True)
    EXPORT = register("reports.export", "导出报表", read_only=True)
    SCHEDULE = register("reports.schedule", "配置报表定时发送")


grant("center_director", ReportsP.VIEW, ReportsP.EXPORT, ReportsP.SCHEDULE)
grant("clerk", ReportsP.VIEW, ReportsP.EXPORT, ReportsP.SCHEDULE)
grant("shift_lead", ReportsP.VIEW)
grant("compliance_auditor", ReportsP.VIEW, ReportsP.EXPORT)
