"""Error codes of the knowledge base (``knowledge.*``)."""

from django.utils.translation import gettext_lazy as _

from kefu.common.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed


class KnowledgeInvalidTransition(InvalidTransition):
    code = "knowledge.invalid_transition"
    default_message = _("文章版本当前状态不允许此操作")


class MakerCheckerViolation(Forbidden):
    code = "knowledge.maker_checker"
    default_message = _("编写人不能审核或合规审查自己编写的版本")


class ComplianceReviewerRequired(Forbidden):
    code = "knowledge.compliance_reviewer_required"
    default_message = _("产品与收费类文章须由合规审查岗审查")


class ArticleInvalid(ValidationFailed):
    code = "knowledge.invalid"


class DraftExists(Conflict):
    code = "knowledge.draft_exists"
    default_message = _("该文章已有未发布的版本在编辑或审核中")


class ArticleNotFound(NotFound):
    code = "knowledge.not_found"
