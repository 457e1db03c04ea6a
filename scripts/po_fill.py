"""Fill kefu/locale/en/LC_MESSAGES/django.po from the English table below (run after makemessages).

Kept as a script so the foundation's translations are reviewable in one place; msgids missing here stay
untranslated (Django then shows the Chinese original).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "kefu" / "locale" / "en" / "LC_MESSAGES" / "django.po"

EN = {
    "数据校验未通过": "Validation failed",
    "请先登录或提供有效的访问令牌": "Please sign in or provide a valid access token",
    "请求体不是合法的 JSON": "The request body is not valid JSON",
    "对象不存在或无权查看": "Not found, or you may not see it",
    "没有执行此操作的权限": "You are not allowed to do this",
    "服务器内部错误，请稍后重试（已记录请求编号）": "Internal server error; please try again later (the request id was logged)",
    "写入": "Write", "敏感数据读取": "Sensitive read", "认证": "Authentication", "系统": "System",
    "审计记录": "Audit entry", "审计链头": "Audit chain head", "审计保留检查点": "Audit retention checkpoint",
    "审计日志": "Audit log", "共 %(n)s 条": ("%(n)s entry", "%(n)s entries"), "时间": "Time", "类别": "Kind",
    "操作人": "Actor", "动作": "Action", "对象": "Object", "变更": "Changes", "请求编号": "Request id",
    "理由": "Reason", "没有符合条件的记录": "No matching entries", "分页": "Pagination", "上一页": "Previous",
    "第 %(p)s / %(t)s 页": "Page %(p)s of %(t)s", "下一页": "Next",
    "审计链完整：已校验 %(n)s 条记录。": "Audit chain intact: %(n)s entries verified.",
    "审计链已被破坏：第一条异常记录序号 %(seq)s（此前 %(n)s 条校验通过）。":
        "Audit chain BROKEN: first bad entry is seq %(seq)s (%(n)s entries verified before it).",
    "审计记录只追加、不可修改或删除；每条记录含上一条的哈希，任何改动都会被校验发现。":
        "Audit entries are append-only and cannot be changed or deleted; each carries the hash of the "
        "previous one, so any change is found by verification.",
    "筛选审计记录": "Filter audit entries", "查询": "Search", "校验审计链": "Verify audit chain",
    "对象类型": "Object type", "对象编号": "Object id", "全部": "All", "开始日期": "From", "结束日期": "To",
    "请求有误": "Bad request", "与当前状态冲突": "Conflicts with the current state",
    "当前状态不允许此操作": "Not allowed in the current state", "定时任务": "Periodic job",
    "权限": "Permissions", "吊销所选令牌": "Revoke selected tokens",
    "只读角色不能执行写操作": "Read-only roles cannot write", "请先完成双因素认证": "Complete two-factor authentication first",
    "总行": "Head office", "总行部门": "Head-office department", "客户服务中心": "Customer service center",
    "分行": "Branch", "支行/网点": "Sub-branch / outlet", "座席员": "Agent", "座席班长": "Shift lead",
    "中心主任": "Center director", "综合员": "Clerk", "系统维护员": "System maintainer",
    "网点投诉管理人": "Branch complaint manager", "网点负责人": "Branch head", "部门处理人": "Department handler",
    "合规审计员": "Compliance auditor", "系统管理员": "Administrator", "系统服务账号": "Service account",
    "机构代码": "Unit code", "名称": "Name", "类型": "Kind", "上级机构": "Parent unit",
    "规范服务管理部门": "Service management department",
    "超出网点权限的投诉上报至此部门": "Complaints beyond a branch's authority are escalated to this department",
    "风险管理部门": "Risk management department", "启用": "Active", "机构": "Unit",
    "上级机构不能是自身或下级机构": "A unit cannot be its own parent or be placed under its own subtree",
    "角色代码": "Role code", "已自定义": "Customized",
    "未自定义的角色在升级时随默认权限同步": "Roles that are not customized follow the default grants on upgrade",
    "角色": "Roles", "未注册的权限：%s": "Unregistered permissions: %s",
    "只读角色不能授予写权限：%s": "A read-only role cannot be granted write permissions: %s",
    "所属机构": "Unit", "工号": "Employee no.", "姓名": "Name", "演示账号": "Demo account", "用户": "User",
    "用途": "Purpose", "API令牌": "API token", "工作台": "Workspace",
    "密码须包含大写字母、小写字母、数字、符号中的至少三类。":
        "The password must contain at least three of: upper-case letters, lower-case letters, digits, symbols.",
    "双因素认证已通过": "Two-factor authentication passed", "验证码不正确或已过期": "The code is wrong or has expired",
    "请说明查看明文的理由（至少4个字）": "Give a reason for viewing the clear value (at least 4 characters)",
    "内容疑似包含卡片磁道、安全码或密码等C3类信息，按规定不得保存，请删除后再提交。":
        "The text seems to contain C3 data (card track data, security code or PIN), which must never be "
        "stored. Remove it and submit again.",
    "身份证号码无效（GB 11643 校验未通过）": "Invalid ID number (GB 11643 check failed)",
    "手机号码格式不正确": "Invalid mobile number", "卡号无效（Luhn 校验未通过）": "Invalid card number (Luhn check failed)",
    "kefu 客服中心": "kefu customer service center", "跳到主要内容": "Skip to main content",
    "客服中心": "Customer service", "主导航": "Main navigation", "语言": "Language", "退出": "Sign out",
    "无法完成操作": "Cannot complete the operation", "没有权限": "Not allowed", "错误代码": "Error code",
    "返回工作台": "Back to the workspace", "您好，%(name)s": "Hello, %(name)s", "未分配角色": "No role assigned",
    "功能入口": "Functions", "账号已临时锁定": "Account temporarily locked",
    "登录失败次数过多，账号已锁定15分钟。如需立即解锁请联系系统管理员。":
        "Too many failed sign-ins: the account is locked for 15 minutes. Contact an administrator to unlock it now.",
    "登录": "Sign in", "登录客服中心": "Sign in to the service center",
    "用户名或密码不正确。连续失败5次将锁定15分钟。":
        "Wrong user name or password. After 5 failures in a row the account is locked for 15 minutes.",
    "用户名": "User name", "密码": "Password", "双因素认证": "Two-factor authentication",
    "您的角色要求启用动态口令。请用身份验证器应用扫描二维码，或手工输入密钥，然后输入6位验证码。":
        "Your role requires a one-time code. Scan the QR code with an authenticator app, or type the key "
        "by hand, then enter the 6-digit code.",
    "TOTP 二维码": "TOTP QR code", "请输入身份验证器上的6位验证码。": "Enter the 6-digit code from your authenticator.",
    "验证码": "Code", "验证": "Verify", "操作记录": "History", "暂无记录": "No entries yet",
    "您长时间未操作，为保护客户信息已自动退出，请重新登录。":
        "You were signed out after a period of inactivity to protect customer data. Please sign in again.",
    # Language names are shown in their own language.
    "简体中文": "简体中文", "English": "English", "kefu": "kefu",
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fill(po_text: str) -> tuple[str, list[str]]:
    missing: list[str] = []
    entry_re = re.compile(r'^msgid ((?:".*"\n)+)(msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)', re.M)

    def join(block: str) -> str:
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"').replace("\\\\", "\\")

    def repl(m: re.Match) -> str:
        msgid = join(m.group(1))
        if not msgid:
            return m.group(0)
        english = EN.get(msgid)
        if english is None:
            missing.append(msgid)
            return m.group(0)
        head = f"msgid {m.group(1)}" + (m.group(2) or "")
        if m.group(2):
            one, many = english if isinstance(english, tuple) else (english, english)
            return head + f"msgstr[0] {_quote(one)}\nmsgstr[1] {_quote(many)}\n"
        return head + f"msgstr {_quote(english)}\n"

    text = entry_re.sub(repl, po_text)
    text = text.replace("#, fuzzy\n", "", 1)  # the header: msgfmt skips fuzzy entries
    text = text.replace('"Content-Type: text/plain; charset=CHARSET\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"')
    text = re.sub(r'"Plural-Forms: [^"]*"', lambda _m: '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', text)
    return text, missing


if __name__ == "__main__":
    filled, missing = fill(PO.read_text())
    PO.write_text(filled)
    for m in missing:
        print(f"untranslated: {m}", file=sys.stderr)  # noqa: T201
