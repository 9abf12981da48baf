package bot

import (
	"context"
	"strings"

	"github.com/laborbot/laborbot/intake"
)

// /help lists what the asker may do, by role: a worker sees the worker's
// commands, a mediator the ticket commands too, an admin also the
// knowledge base, exports and mediators. The role comes from intake's
// Principal, the same authorization every command checks, so the list
// never offers what would be refused. Only commands that are registered
// (the features in use) are listed.

var helpTexts = struct {
	head, ask, start, calc, complain, status, reminders, deleteData, privacy, cancel, lang, help,
	staffHead, tickets, ticket, stats, console, kbMediator,
	adminHead, mediator, export, exportAll, kbAdmin, tail text
}{
	head: text{"**怎么用**\n直接发文字提问，一次问一件事，说清楚情况（干了多久、工资多少、发生了什么）。\n\n**你可以做的事**",
		"**How to use me**\nJust type your question, one matter at a time, with the facts (how long you worked, your wage, what happened).\n\n**What you can do**"},
	ask:        text{"• 直接打字提问：工资、加班、社保、合同、辞退、工伤等", "• Type a question: wages, overtime, social insurance, contracts, dismissal, work injury…"},
	start:      text{"/start 主题和常见问题", "/start topics and common questions"},
	calc:       text{"/calc 算一算：经济补偿、加班费、年假、时效等", "/calc calculate severance, overtime, annual leave, deadlines…"},
	complain:   text{"/complain 申请工会调解（投诉）；填到一半可以暂停，再发 /complain 接着填", "/complain ask the union to mediate (a complaint); you can pause it and send /complain again to go on"},
	status:     text{"/status 查看我的投诉进度", "/status see how your complaints stand"},
	reminders:  text{"/reminders 提醒设置（付款、时效）", "/reminders reminders (payment, deadlines)"},
	deleteData: text{"/deletedata 删除我的个人信息", "/deletedata delete your personal data"},
	privacy:    text{"/privacy 我的信息怎么保存、谁能看到、怎么删除", "/privacy what is kept about you, who sees it, how to delete it"},
	cancel:     text{"/cancel 取消正在进行的操作", "/cancel stop what you are doing"},
	lang:       text{"/lang 切换语言（中文 / English）", "/lang switch language (中文 / English)"},
	help:       text{"/help 使用说明", "/help this help"},
	staffHead:  text{"**调解员**", "**Mediators**"},
	tickets:    text{"/tickets [mine|new|状态] 待处理的投诉", "/tickets [mine|new|STATE] open complaints"},
	ticket:     text{"/ticket 编号 查看一个投诉和可做的操作", "/ticket N one complaint and its actions"},
	stats:      text{"/stats 投诉统计", "/stats complaint statistics"},
	console:    text{"/console 调解台（网页）登录链接", "/console sign-in link to the web console"},
	kbMediator: text{"/kb list · /kb show ID 查看知识库条目；/kb suggest 条目全文 提议新条目（管理员审核）", "/kb list · /kb show ID read the knowledge base; /kb suggest ENTRY propose an entry (an admin reviews it)"},
	adminHead:  text{"**管理员**", "**Admins**"},
	mediator:   text{"/mediator add|remove 用户ID 添加或移除调解员", "/mediator add|remove USER_ID add or remove a mediator"},
	export:     text{"/export [csv|json] 导出投诉（不含姓名、电话等个人信息）", "/export [csv|json] export the complaints (without names, phones or other personal data)"},
	exportAll:  text{"/export [csv|json] personal 导出含个人信息的投诉（记入审计日志）", "/export [csv|json] personal export with personal data (recorded in the audit log)"},
	kbAdmin:    text{"/kb 知识库管理（发送 /kb 看全部用法）；发送 .md 或 .zip 文件新增或修改条目", "/kb manage the knowledge base (send /kb for all of it); send a .md or .zip file to add or change entries"},
	tail: text{"**找人帮忙**\n• 工会服务热线 12351\n• 人社（劳动监察）热线 12333\n• 法律援助热线 12348\n• 当地劳动人事争议仲裁委员会\n\n我只提供一般性法律信息，不是律师意见。请不要在群里发手机号、身份证号等个人信息。",
		"**Talk to a person**\n• Union hotline 12351\n• Labor inspection / HR hotline 12333\n• Legal aid hotline 12348\n• Your local labor dispute arbitration commission\n\nI give general legal information, not a lawyer's opinion. Please don't post phone numbers or ID numbers in a group."},
}

// role is the asker's role for /help: a worker when complaints are off or
// the role cannot be read (the store is down: help must still work).
func (c *Conversation) role(ctx context.Context, userID int64) intake.Role {
	if c.intake == nil {
		return intake.RoleWorker
	}
	p, err := c.intake.svc.Principal(ctx, userID)
	if err != nil {
		c.log.Warn("reading the role for /help failed; showing the worker's help", "err", err)
		return intake.RoleWorker
	}
	return p.Role
}

// helpText is /help for the asker.
func (c *Conversation) helpText(ctx context.Context, in Incoming, lang string) string {
	role := c.role(ctx, in.UserID)
	has := func(cmd string) bool { _, ok := c.commands[cmd]; return ok }
	var b strings.Builder
	line := func(t text) { b.WriteString("\n" + t.in(lang)) }
	b.WriteString(helpTexts.head.in(lang))
	line(helpTexts.ask)
	line(helpTexts.start)
	line(helpTexts.calc)
	for _, w := range []struct {
		cmd string
		t   text
	}{{"complain", helpTexts.complain}, {"status", helpTexts.status}, {"reminders", helpTexts.reminders}, {"deletedata", helpTexts.deleteData}} {
		if has(w.cmd) {
			line(w.t)
		}
	}
	line(helpTexts.privacy)
	line(helpTexts.cancel)
	line(helpTexts.lang)
	line(helpTexts.help)
	if role.Staff() {
		b.WriteString("\n\n" + helpTexts.staffHead.in(lang))
		for _, w := range []struct {
			cmd string
			t   text
		}{{"tickets", helpTexts.tickets}, {"ticket", helpTexts.ticket}, {"stats", helpTexts.stats}, {"export", helpTexts.export}, {"console", helpTexts.console}} {
			if has(w.cmd) {
				line(w.t)
			}
		}
		if has("kb") && role != intake.RoleAdmin {
			line(helpTexts.kbMediator)
		}
	}
	if role == intake.RoleAdmin {
		b.WriteString("\n\n" + helpTexts.adminHead.in(lang))
		for _, w := range []struct {
			cmd string
			t   text
		}{{"mediator", helpTexts.mediator}, {"export", helpTexts.exportAll}, {"kb", helpTexts.kbAdmin}} {
			if has(w.cmd) {
				line(w.t)
			}
		}
	}
	b.WriteString("\n\n" + helpTexts.tail.in(lang))
	return b.String()
}

// privacyText is /privacy: what is kept, for how long, who sees it and how
// to delete it. It must stay true to the code: knowledge's gap
// normalisation (NormalizeQuestion), Feedback (no user id), Prefs,
// intake's consent, Ticket.Masked, DeleteWorkerData, PurgeExpired and
// DefaultRetention, and the web chat's inbox (webchat.InboxRetention).
// Sealing is claimed only when a DATA_KEY sealer is in use.
func (c *Conversation) privacyText(in Incoming, lang string) string {
	t := func(zh, en string) string { return text{zh, en}.in(lang) }
	var b strings.Builder
	b.WriteString(t("**你的信息怎么保存**\n", "**What is kept about you**\n"))
	if IsWebID(in.UserID) {
		b.WriteString(t("• 网页聊天：这个页面的聊天记录（最近 300 条）保存在工会的服务器上，好让你下次打开还能看到；两年没有新消息会自动删除，发送 /deletedata 也会删除。\n",
			"• Web chat: this page's conversation (the last 300 messages) is kept on the union's server so you can see it next time; it is erased after two years without a message, or when you send /deletedata.\n"))
	} else {
		b.WriteString(t("• 提问：你的问题和你的账号不会一起保存。答得不好的问题会去掉手机号、身份证号、金额和能认出的人名、单位名后匿名保存，供管理员补充知识库。👍/👎 只记录是哪条回答，不记录你是谁。\n",
			"• Questions: your questions are not stored with your account. Questions I answered badly are kept anonymously, without phone numbers, ID numbers, amounts and the names and employers I can recognise, so admins can improve the answers. A 👍/👎 records the answer, not who you are.\n"))
	}
	b.WriteString(t("• 你用 /lang 选择的语言按你的账号保存。\n", "• The language you choose with /lang is kept with your account.\n"))
	if c.intake != nil {
		b.WriteString(t("• 投诉：只有你在 /complain 里点“同意”之后才保存：纠纷情况、用人单位、日期和金额、事情经过、证据、诉求、姓名、手机号和联系时间。填到一半的投诉也会保存，方便你接着填，直到你提交、取消（/cancel）或删除（/deletedata）。\n",
			"• Complaints: kept only after you press \"I agree\" in /complain: the dispute, your employer, dates and amounts, what happened, evidence, what you want, your name, phone and a time to call. A complaint you have not finished is kept too, so you can go on later, until you submit it, cancel it (/cancel) or delete it (/deletedata).\n"))
		if _, plain := c.intake.sealer.(intake.NoSealer); !plain {
			b.WriteString(t("• 姓名、手机号、事情经过等个人信息和填到一半的投诉都加密保存。\n",
				"• Names, phones, descriptions and unfinished complaints are stored encrypted.\n"))
		}
		b.WriteString(t("• 谁能看到：只有工会的调解员和管理员。调解员群里只显示摘要，姓名和手机号打码；受理你案件的调解员和管理员能看到完整信息。案件转到仲裁或法院的调解平台时，会按需要提供。\n",
			"• Who sees it: only the union's mediators and admins. The mediators' group sees a summary with your name and phone masked; the mediator who takes your case and the admins see everything. If your case goes to the mediation platform of an arbitration commission or court, it is passed on as needed.\n"))
		b.WriteString(t("• 保存多久：案件结案或撤回 2 年后，自动删除个人信息。\n",
			"• How long: personal data is deleted automatically 2 years after the case is closed or withdrawn.\n"))
		b.WriteString(t("• 怎么删除：随时发送 /deletedata（需要确认），会删除你的姓名、手机号、单位名称、事情经过、证据、语言设置和没填完的投诉；只保留不含个人信息的统计数据（纠纷类型、省市、金额、处理状态）。",
			"• How to delete it: send /deletedata at any time (you confirm first). Your name, phone, employer, description, evidence, language setting and any unfinished complaint are deleted; only figures without personal data are kept (dispute type, province and city, amounts, state)."))
	} else {
		b.WriteString(t("• 怎么删除：发送 /lang 重新选择语言即可覆盖设置；除此之外没有保存你的个人信息。",
			"• Deleting: choosing a language again with /lang replaces the setting; nothing else about you is kept."))
	}
	return b.String()
}
