from kefu.org.permissions import grant, register


class QualityP:
    EVALUATE = register("quality.evaluate", "质检评分")
    MANAGE = register("quality.manage", "管理评分表、抽样计划、关键词规则")
    RESOLVE_DISPUTE = register("quality.resolve_dispute", "处理质检申诉")
    VIEW_ALL = register("quality.view_all", "查看全部质检结果", read_only=True)
    OWN = register("quality.own", "查看并确认/申诉本人质检结果")
    COACH = register("quality.coach", "记录辅导与培训")


grant("agent", QualityP.OWN)
grant("shift_lead", QualityP.EVALUATE, QualityP.VIEW_ALL, QualityP.COACH, QualityP.OWN)
grant("center_director", QualityP.EVALUATE, QualityP.MANAGE, QualityP.RESOLVE_DISPUTE, QualityP.VIEW_ALL,
      QualityP.COACH)
grant("clerk", QualityP.VIEW_ALL)
grant("system_maintainer", QualityP.MANAGE)
grant("compliance_auditor", QualityP.VIEW_ALL)
