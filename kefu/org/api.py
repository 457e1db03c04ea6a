from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from kefu.common.errors import NotFound

from .access import require_perm
from .models import ApiToken
from .permissions import P
from .services import issue_token, revoke_token

PREFIX = ""
router = Router(tags=["org"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    permissions: list[str]
    units: list[UnitOut]
    read_only: bool


@router.get("/me", response=MeOut, summary="当前用户、角色与机构")
def me(request):
    user = request.user
    units = user.unit.ancestors() if user.unit_id else []
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(user.role_codes),
        "permissions": sorted(user.kefu_permissions),
        "units": [{"id": u.pk, "code": u.code, "name": u.name, "kind": u.kind} for u in units],
        "read_only": user.is_read_only,
    }


class TokenIn(Schema):
    name: str = Field("", max_length=100)
    # Tokens from the API always expire (a non-expiring token needs the CLI: issue_token --days 0).
    days: int = Field(90, ge=1, le=365)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


@router.get("/me/tokens", response=list[TokenOut], summary="我的API令牌")
def my_tokens(request):
    return list(ApiToken.objects.filter(user=request.user).order_by("-created_at"))


@router.post("/me/tokens", response={201: NewTokenOut}, summary="签发API令牌（只显示一次）")
def create_token(request, payload: TokenIn):
    require_perm(request.user, P.API_TOKEN_MANAGE)
    token, raw = issue_token(user=request.user, actor=request.user, name=payload.name, days=payload.days)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="吊销API令牌")
def delete_token(request, token_id: int):
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None or not (token.user_id == request.user.pk or request.user.has_kefu_perm(P.ORG_MANAGE)):
        raise NotFound()
    revoke_token(token_id=token_id, actor=request.user)
    return Status(204, None)
