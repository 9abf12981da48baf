package intake

import "github.com/laborbot/laborbot/calc"

// The interview's own words. Chinese first: most workers are Chinese.

// consentText is the consent step: what is collected, who sees it, how
// long it is kept, how to delete it. It must stay true to what the code
// does: DeleteWorkerData, PurgeExpired and Ticket.Masked.
func consentText() calc.Text {
	return calc.Text{
		Zh: "**申请工会调解：先说明个人信息怎么用**\n\n" +
			"• 我们会收集：纠纷类型、用人单位、工作地点、入职/离职日期、工资和主张金额、受影响同事人数、事情经过、你发的证据照片或文件、你的诉求、姓名、手机号和方便联系的时间。\n" +
			"• 谁能看到：工会的调解员。调解员群里只显示摘要，手机号和姓名会打码；受理你案件的调解员和工会管理员能看到完整信息。案件转到仲裁或法院的调解平台时，会按需要提供。\n" +
			"• 保存多久：案件结案或撤回后保存 2 年，之后自动删除个人信息。\n" +
			"• 怎么删除：随时发送 /deletedata，会删除你的姓名、手机号、事情经过、证据等个人信息（只保留不含个人信息的统计数据，如纠纷类型、省市、金额、处理状态）。\n\n" +
			"你点“同意”之前，我们不会保存任何信息。随时发送 /cancel 可以取消。",
		En: "**Apply for union mediation: how your data is used**\n\n" +
			"• We collect: the type of dispute, your employer, workplace, start/end dates, wage and amount claimed, how many co-workers are affected, what happened, the photos or files you send as evidence, what you want, your name, mobile number and a good time to call.\n" +
			"• Who sees it: the union's mediators. The mediators' group sees a summary with your phone and name masked; the mediator who takes your case and the union's admins see everything. If your case goes to the mediation platform of an arbitration commission or court, it is passed on as needed.\n" +
			"• How long: 2 years after the case is closed or withdrawn; then the personal data is deleted automatically.\n" +
			"• How to delete it: send /deletedata at any time. Your name, phone, description, evidence and other personal data are deleted; only anonymous statistics are kept (dispute type, province/city, amounts, status).\n\n" +
			"Nothing is stored until you press \"I agree\". Send /cancel at any time to stop.",
	}
}

// prompt is the question of a step.
func (s Step) prompt() calc.Text {
	switch s {
	case StepTypes:
		return calc.Text{Zh: "你遇到的是哪类问题？可以多选，选好后点“完成”。", En: "What is the dispute about? Choose one or more, then press \"Done\"."}
	case StepEmployer:
		return calc.Text{Zh: "用人单位（公司）叫什么名字？尽量写营业执照或劳动合同上的全称。", En: "What is your employer's name? The full name on the business licence or your contract if you know it."}
	case StepProvince:
		return calc.Text{Zh: "你在哪个省工作？可以直接写到区县，例如“广东省深圳市宝安区”。", En: "In which province do you work? You can add the city and district, e.g. \"Guangdong Shenzhen Bao'an\"."}
	case StepCity:
		return calc.Text{Zh: "在哪个城市？", En: "Which city?"}
	case StepDistrict:
		return calc.Text{Zh: "哪个区或县？不清楚可以跳过。", En: "Which district or county? Skip if you are not sure."}
	case StepStartDate:
		return calc.Text{Zh: "你是哪天开始在这家单位工作的？例如 2023-03-01、2023年3月 或 去年三月。记不清哪一天，写到月份就行（按 1 号算）。", En: "When did you start working there? E.g. 2023-03-01, March 2023 or \"March last year\". If you don't remember the day, the month is enough (the 1st is used)."}
	case StepEndDate:
		return calc.Text{Zh: "如果已经离职或被辞退，最后一天上班是哪天？例如 2025-05-31 或 上个月底。还在职请点“还在职”。", En: "If the job has ended, what was your last day? E.g. 2025-05-31 or \"end of last month\". If you still work there, press \"Still employed\"."}
	case StepWage:
		return calc.Text{Zh: "你每月工资大概多少元（税前）？例如 6500 或 六千五。", En: "About how much is your monthly wage, before tax, in yuan? E.g. 6500 or 6.5k."}
	case StepClaimed:
		return calc.Text{Zh: "你要求单位一共支付多少元？不清楚可以跳过，调解员会帮你算。", En: "How much do you claim in total, in yuan? Skip if you don't know: the mediator will help you work it out."}
	case StepCoworkers:
		return calc.Text{Zh: "还有多少同事遇到同样的问题？写数字，只有你自己就写 0。", En: "How many co-workers have the same problem? Give a number; 0 if it is only you."}
	case StepDescription:
		return calc.Text{Zh: "请说说发生了什么：什么时候、怎么回事、单位怎么说的。", En: "Please tell us what happened: when, what, and what the employer said."}
	case StepEvidence:
		return calc.Text{Zh: "有证据请直接发照片或文件（工资条、劳动合同、考勤记录、聊天记录、转账记录等），可以发多个，发完点“完成”。没有可以跳过。", En: "If you have evidence, send photos or files (pay slips, contract, attendance records, chats, bank transfers). You can send several; press \"Done\" when finished, or skip."}
	case StepDemands:
		return calc.Text{Zh: "你希望得到什么结果？例如：补发 3 个月工资、支付经济补偿。", En: "What outcome do you want? E.g. three months' back pay, severance."}
	case StepName:
		return calc.Text{Zh: "你的姓名？调解员联系你时使用。", En: "Your name? The mediator will use it to contact you."}
	case StepPhone:
		return calc.Text{Zh: "你的手机号？", En: "Your mobile number?"}
	case StepContactTime:
		return calc.Text{Zh: "什么时间方便给你打电话？例如“工作日晚上 7 点后”。可以跳过。", En: "When is a good time to call you? E.g. \"weekdays after 7 pm\". You can skip this."}
	}
	return calc.Text{}
}

// label is the step's name in the summary and on its edit button.
func (s Step) label() calc.Text {
	l, e := labelsIn("zh"), labelsIn("en")
	switch s {
	case StepTypes:
		return calc.Text{Zh: l.types, En: e.types}
	case StepEmployer:
		return calc.Text{Zh: l.employer, En: e.employer}
	case StepProvince:
		return calc.Text{Zh: "省份", En: "Province"}
	case StepCity:
		return calc.Text{Zh: "城市", En: "City"}
	case StepDistrict:
		return calc.Text{Zh: "区县", En: "District"}
	case StepStartDate:
		return calc.Text{Zh: "入职日期", En: "Start date"}
	case StepEndDate:
		return calc.Text{Zh: "离职日期", En: "End date"}
	case StepWage:
		return calc.Text{Zh: l.wage, En: e.wage}
	case StepClaimed:
		return calc.Text{Zh: l.claimed, En: e.claimed}
	case StepCoworkers:
		return calc.Text{Zh: l.coworkers, En: e.coworkers}
	case StepDescription:
		return calc.Text{Zh: l.description, En: e.description}
	case StepEvidence:
		return calc.Text{Zh: l.evidence, En: e.evidence}
	case StepDemands:
		return calc.Text{Zh: l.demands, En: e.demands}
	case StepName:
		return calc.Text{Zh: l.name, En: e.name}
	case StepPhone:
		return calc.Text{Zh: l.phone, En: e.phone}
	case StepContactTime:
		return calc.Text{Zh: l.contactTime, En: e.contactTime}
	}
	return calc.Text{Zh: string(s), En: string(s)}
}

// interviewText holds the button labels and fixed phrases of the interview.
type interviewText struct {
	agree, decline, done, skip, stillEmployed, noEvidence, confirm, keep, submit, edit,
	summaryHead, summaryFoot, prefilled, current, notGiven, files, toConfirm calc.Text
}

func interviewWords() interviewText {
	return interviewText{
		agree:         calc.Text{Zh: "✅ 同意", En: "✅ I agree"},
		decline:       calc.Text{Zh: "不同意", En: "I don't agree"},
		done:          calc.Text{Zh: "完成", En: "Done"},
		skip:          calc.Text{Zh: "跳过", En: "Skip"},
		stillEmployed: calc.Text{Zh: "还在职", En: "Still employed"},
		noEvidence:    calc.Text{Zh: "没有证据，跳过", En: "No evidence, skip"},
		confirm:       calc.Text{Zh: "✅ 正确", En: "✅ Correct"},
		keep:          calc.Text{Zh: "不改了", En: "Keep as is"},
		submit:        calc.Text{Zh: "✅ 提交", En: "✅ Submit"},
		edit:          calc.Text{Zh: "改", En: "Edit"},
		summaryHead:   calc.Text{Zh: "**请核对你的投诉信息：**", En: "**Please check your complaint:**"},
		summaryFoot:   calc.Text{Zh: "没问题请点“提交”；要改哪一项，点下面对应的按钮。发送 /cancel 可以取消。", En: "If everything is right, press \"Submit\"; to change something, press its button below. Send /cancel to stop."},
		prefilled:     calc.Text{Zh: "根据你前面说的，我先填了：%s\n正确请点“正确”，不对请直接发正确的内容。", En: "From what you said earlier I filled in: %s\nPress \"Correct\" if it is right, or send the right answer."},
		current:       calc.Text{Zh: "现在填的是：%s\n发送新的内容来修改，或点“不改了”。", En: "Currently: %s\nSend a new answer to change it, or press \"Keep as is\"."},
		notGiven:      calc.Text{Zh: "（未填）", En: "(not given)"},
		files:         calc.Text{Zh: "%d 个文件", En: "%d files"},
		toConfirm:     calc.Text{Zh: "（待确认）", En: "(to confirm)"},
	}
}

// echoWords are the interview's read-backs of answers it had to
// interpret, and the reply to a question typed in place of an answer.
type echoWords struct {
	startDate, endDate, noDay, wage, claimed, coworkers, fix, question calc.Text
}

func echoTexts() echoWords {
	return echoWords{
		startDate: calc.Text{Zh: "入职日期记为 %s", En: "Start date recorded as %s"},
		endDate:   calc.Text{Zh: "离职日期记为 %s", En: "Last day recorded as %s"},
		noDay:     calc.Text{Zh: "（没写哪一天，按 1 号记）", En: " (no day given, so the 1st)"},
		wage:      calc.Text{Zh: "月工资记为 %s 元", En: "Monthly wage recorded as %s yuan"},
		claimed:   calc.Text{Zh: "主张金额记为 %s 元", En: "Amount claimed recorded as %s yuan"},
		coworkers: calc.Text{Zh: "受影响的同事记为 %d 人", En: "Co-workers affected recorded as %d"},
		fix:       calc.Text{Zh: "。不对的话点下面的“改”按钮。", En: ". If that is wrong, press the \"Edit\" button below."},
		question: calc.Text{
			Zh: "这看起来是一个问题，不是这一步的回答。请先回答上面的问题；提交投诉后可以随时问我劳动法律问题，或发送 /cancel 取消登记。",
			En: "That looks like a question rather than an answer to this step. Please answer the question above first; once the complaint is in you can ask me any labour-law question, or send /cancel to stop.",
		},
	}
}
