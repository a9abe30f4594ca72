"""Group robots of WeCom, DingTalk and Feishu: per-unit webhooks that post to a group chat.

``providers`` knows each platform's message format, signing and answers; ``transport`` posts
over HTTPS; ``services`` keeps the webhooks and the hosts an admin allows; ``views`` are the
admin pages.
"""
