from kefu.org.permissions import grant, register


class ContactP:
    DESKTOP = register("contact.desktop", "使用座席工作台")
    SUPERVISE = register("contact.supervise", "班长监控与干预（代置状态、转接）")
    WALLBOARD = register("contact.wallboard", "查看实时监控大屏", read_only=True)
    VIEW_INTERACTIONS = register("contact.view_interactions", "查看联络记录", read_only=True)
    RECORDING_REGISTER = register("contact.recording_register", "登记录音（PBX/上传）")
    RECORDING_PLAY = register("contact.recording_play", "在线播放录音", read_only=True)
    RECORDING_DOWNLOAD = register("contact.recording_download", "下载录音", read_only=True)
    RECORDING_HOLD = register("contact.recording_hold", "录音法律保全")
    OFFER = register("contact.offer", "登记进线（PBX、IVR、邮件网关）")
    CONFIGURE = register("contact.configure", "配置队列、技能、小结代码")


grant("agent", ContactP.DESKTOP, ContactP.VIEW_INTERACTIONS)
grant("shift_lead", ContactP.DESKTOP, ContactP.SUPERVISE, ContactP.WALLBOARD, ContactP.VIEW_INTERACTIONS,
      ContactP.RECORDING_PLAY)
grant("center_director", ContactP.SUPERVISE, ContactP.WALLBOARD, ContactP.VIEW_INTERACTIONS, ContactP.RECORDING_PLAY,
      ContactP.RECORDING_DOWNLOAD, ContactP.RECORDING_HOLD, ContactP.RECORDING_REGISTER)
grant("clerk", ContactP.VIEW_INTERACTIONS, ContactP.WALLBOARD)
grant("system_maintainer", ContactP.CONFIGURE, ContactP.RECORDING_REGISTER)
grant("compliance_auditor", ContactP.VIEW_INTERACTIONS, ContactP.RECORDING_PLAY, ContactP.WALLBOARD)
grant("admin", ContactP.CONFIGURE, ContactP.VIEW_INTERACTIONS)
grant("service_account", ContactP.RECORDING_REGISTER, ContactP.OFFER)
grant("shift_lead", ContactP.OFFER)
