"""Knowledge-base permission names and their default grants.

Maker-checker: authors (knowledge.author) cannot approve their own versions; approvers
(knowledge.approve) sit with the shift leads and the director; product and fee content additionally
needs knowledge.compliance_review, held by head-office department handlers and usable only by those in a
risk/compliance or service-management unit (see ``services.workflow``). The read-only compliance auditor
may read everything but change nothing.
"""

from kefu.org.permissions import grant, register


class KP:
    VIEW = register("knowledge.view", "查看知识库（座席内部文章）", read_only=True)
    FEEDBACK = register("knowledge.feedback", "评价知识文章（有帮助/没帮助）")
    AUTHOR = register("knowledge.author", "编写知识文章与提交审核")
    APPROVE = register("knowledge.approve", "审核知识文章（复核）")
    COMPLIANCE_REVIEW = register("knowledge.compliance_review", "合规审查产品与收费类知识文章")
    PUBLISH = register("knowledge.publish", "发布或撤下知识文章")
    MANAGE = register("knowledge.manage", "管理知识分类与附件")


_STAFF = ["agent", "shift_lead", "center_director", "clerk", "system_maintainer", "branch_complaint_manager",
          "branch_head", "department_handler", "admin"]
for _role in _STAFF:
    grant(_role, KP.VIEW)
grant("compliance_auditor", KP.VIEW)
for _role in ["agent", "shift_lead", "center_director", "clerk", "branch_complaint_manager", "department_handler"]:
    grant(_role, KP.FEEDBACK)
grant("clerk", KP.AUTHOR, KP.PUBLISH, KP.MANAGE)
grant("shift_lead", KP.AUTHOR, KP.APPROVE, KP.PUBLISH)
grant("center_director", KP.AUTHOR, KP.APPROVE, KP.PUBLISH, KP.MANAGE)
grant("department_handler", KP.AUTHOR, KP.COMPLIANCE_REVIEW)
