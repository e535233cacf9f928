"""Demo issues of 《职工天地》, written for this project (all names are invented).

Each issue is a date, an issue number, and pages; each page a code, a name,
an editor and articles; each article kicker, headline, subtitle, byline,
paragraphs and themes.
"""

import datetime

ARTICLES = {
    "legal-aid-station": dict(
        kicker="“工会法律援助服务在您身边”行动持续深化",
        headline="百个法律援助站点开到职工家门口",
        subtitle="全年为职工挽回经济损失逾三千万元",
        byline="本报记者 陈 静 通讯员 周立新",
        themes=["法律援助", "职工维权"],
        paragraphs=[
            "记者从市总工会获悉，今年以来，全市各级工会在产业园区、商务楼宇和大型企业新建法律援助工作站一百零二个，职工在家门口就能找到律师。",
            "据介绍，各站点实行“一站一律师”，每周固定时间坐班，为职工提供劳动合同、工资支付、工伤认定等方面的咨询和代理服务。截至目前，全市工会系统共办理法律援助案件1000件以上，为职工挽回经济损失三千一百余万元。",
            "“以前遇到欠薪不知道找谁，现在工会的律师就在园区里。”在高新区一家电子企业工作的刘师傅说。",
            "市总工会有关负责人表示，下一步将推动法律援助站点向快递、外卖等新就业形态劳动者集中的区域延伸。",
        ],
    ),
    "skills-contest": dict(
        kicker="",
        headline="全市职工职业技能大赛落幕",
        subtitle="十二个工种三百余名选手同台比武",
        byline="文/图 本报记者 孙 磊",
        themes=["技能竞赛", "劳模工匠"],
        paragraphs=[
            "历时三天的全市职工职业技能大赛日前落下帷幕。本届大赛设焊工、电工、数控车工、汽车维修工、茶艺师等十二个工种，来自全市各行业的三百二十六名选手参赛。",
            "在焊工比赛现场，选手们在规定时间内完成板对接、管对接等项目，焊缝平整均匀。裁判长介绍，今年的赛题更加贴近企业生产实际，对选手的综合能力要求更高。",
            "按照规定，各工种决赛第一名且符合条件的选手，将由市总工会按程序申报市五一劳动奖章。",
        ],
    ),
    "model-worker-school": dict(
        kicker="劳模工匠进校园",
        headline="“把手艺传给下一代”",
        subtitle="",
        byline="本报通讯员 李 华",
        themes=["劳模工匠", "职工文化"],
        paragraphs=[
            "“这把锉刀跟了我二十多年。”在市第三职业中专的实训车间里，全国劳动模范、钳工高级技师马建国拿起一把磨得发亮的锉刀，向学生们讲起自己的成长经历。",
            "今年春季学期，市总工会组织三十名劳模工匠走进十五所职业院校，开展“劳模工匠进校园”活动，通过现场示范、专题讲座和结对带徒等方式，引导青年学生崇尚劳动、学习技能。",
            "马建国说，技术是一点一点磨出来的，“只要肯下功夫，普通岗位也能干出不普通的成绩”。",
        ],
    ),
    "wage-arrears": dict(
        kicker="",
        headline="工会介入调解 四十七名农民工拿回工资",
        subtitle="",
        byline="本报记者 王 晓明",
        themes=["职工维权", "法律援助"],
        paragraphs=[
            "春节前夕，某建筑工地四十七名农民工被拖欠工资近八十万元。接到求助后，区总工会法律援助律师第一时间赶到现场了解情况。",
            "经过工会、人社部门和建设单位多轮协商，施工企业同意分两次结清欠款。日前，最后一笔工资已全部发放到位。",
            "区总工会提醒广大职工，遇到欠薪问题可拨打职工服务热线12351，也可到就近的工会法律援助站点求助。",
        ],
    ),
    "hardship-help": dict(
        kicker="送温暖活动",
        headline="一千二百户困难职工家庭收到慰问",
        subtitle="",
        byline="通讯员 赵一鸣",
        themes=["困难帮扶"],
        paragraphs=[
            "近日，市总工会启动年度送温暖活动，筹集资金六百余万元，走访慰问困难职工、困难劳模和一线职工一千二百户。",
            "慰问中，工会干部详细了解职工家庭的生活、就业和子女上学情况，对符合条件的困难职工建立帮扶台账，做到精准施策、动态管理。",
        ],
    ),
    "safety-month": dict(
        kicker="",
        headline="“安全生产月”群众性安全检查全面展开",
        subtitle="",
        byline="本报记者 陈 静",
        themes=["安全生产"],
        paragraphs=[
            "六月是全国“安全生产月”。全市各级工会组织开展“查隐患、保安全”群众性安全检查活动，发动职工查找身边的安全隐患。",
            "活动开展以来，全市共组织职工安全检查小组八百余个，排查隐患两千三百余处，已整改两千一百余处。",
        ],
    ),
    "union-building": dict(
        kicker="大抓基层 大抓建会",
        headline="新就业形态劳动者入会突破五万人",
        subtitle="",
        byline="本报记者 孙 磊 通讯员 周立新",
        themes=["工会建设"],
        paragraphs=[
            "记者从市总工会了解到，全市新就业形态劳动者入会人数已突破五万人，快递员、外卖送餐员、网约车司机成为工会大家庭的新成员。",
            "各级工会通过“线上扫码入会”“集中入会仪式”等方式，降低入会门槛；同时建设暖心驿站二百六十个，为户外劳动者提供歇脚、喝水、充电等服务。",
            "不少快递小哥表示，入会后有了“娘家人”，心里更踏实了。",
        ],
    ),
    "reading-corner": dict(
        kicker="",
        headline="职工书屋开进生产车间",
        subtitle="",
        byline="文 市总工会宣教部 刘 洋",
        themes=["职工文化"],
        paragraphs=[
            "在市机械厂装配车间的一角，一排书架上整齐摆放着技术手册、文学名著和科普读物。午休时间，不少职工在这里看书、交流。",
            "这是市总工会今年建成的第三十个“车间书屋”。与传统的职工书屋不同，车间书屋就设在生产一线，职工抬脚就能到，借阅手续通过手机扫码完成。",
        ],
    ),
    "collective-contract": dict(
        kicker="",
        headline="工资集体协商覆盖八成以上建会企业",
        subtitle="",
        byline="本报记者 王 晓明",
        themes=["职工维权", "工会建设"],
        paragraphs=[
            "今年以来，全市工会深化平等协商和集体合同制度建设，已建会企业工资集体协商覆盖率达到百分之八十三。",
            "在一家纺织企业，经过三轮协商，职工代表与企业方就年度工资增长幅度达成一致，一线职工工资平均增长百分之六点五。",
            "市总工会有关负责人表示，将以职代会为基本形式，进一步健全企事业单位民主管理制度。",
        ],
    ),
    "craftsman-profile": dict(
        kicker="沂河工匠风采",
        headline="三十年只做一件事",
        subtitle="记市五一劳动奖章获得者、电网检修班班长张卫东",
        byline="本报记者 陈 静",
        themes=["劳模工匠"],
        paragraphs=[
            "凌晨四点，气温零下八度。张卫东带着班组成员已经在变电站里忙碌了两个小时。",
            "从一名普通检修工到班组长，张卫东在电网检修岗位上干了整整三十年。他带领班组完成技术革新二十余项，其中两项获得国家专利。",
            "“设备不会说话，但它会告诉你哪里不对劲。”张卫东说，干检修靠的是细心和耐心。",
        ],
    ),
    "health-checkups": dict(
        kicker="",
        headline="一线职工疗休养名额向基层倾斜",
        subtitle="",
        byline="通讯员 赵一鸣",
        themes=["困难帮扶", "职工文化"],
        paragraphs=[
            "今年全市工会安排一线职工疗休养名额三千个，其中百分之七十以上分配给生产一线职工和劳动模范。",
            "疗休养活动包括健康体检、心理疏导和红色教育等内容，职工在休养中放松身心。",
        ],
    ),
    "law-qa": dict(
        kicker="律师说法",
        headline="试用期被辞退 能否要求赔偿？",
        subtitle="",
        byline="文 市总工会法律援助律师 郑 洁",
        themes=["法律援助"],
        paragraphs=[
            "读者问：我入职一家公司，试用期第二个月被以“不符合录用条件”为由辞退，公司没有给出任何说明。我能要求赔偿吗？",
            "律师答：根据劳动合同法的规定，用人单位在试用期解除劳动合同，应当向劳动者说明理由，并对“不符合录用条件”承担举证责任。",
            "如果公司事先没有明确录用条件，或无法证明您不符合录用条件，属于违法解除，您可以要求继续履行劳动合同，或者要求支付赔偿金。建议保留好劳动合同、工资条和沟通记录等证据。",
        ],
    ),
}

PAGE_LAYOUTS = {
    "A01": ("要闻", "林 平"),
    "A02": ("工会动态", "何 一 帆"),
    "A03": ("法治维权", "林 平"),
    "A04": ("劳模工匠", "何 一 帆"),
}

ISSUES = [
    dict(
        date=datetime.date(2023, 5, 1),
        number=17,
        serial=1201,
        pages={
            "A01": ["skills-contest", "union-building"],
            "A02": ["hardship-help", "reading-corner"],
            "A03": ["law-qa", "wage-arrears"],
            "A04": ["craftsman-profile"],
        },
    ),
    dict(
        date=datetime.date(2024, 4, 24),
        number=16,
        serial=1250,
        pages={
            "A01": ["collective-contract", "safety-month"],
            "A02": ["health-checkups"],
            "A03": ["wage-arrears", "law-qa"],
            "A04": ["model-worker-school"],
        },
    ),
    dict(
        date=datetime.date(2024, 5, 1),
        number=17,
        serial=1251,
        pages={
            "A01": ["legal-aid-station", "skills-contest", "union-building"],
            "A02": ["reading-corner", "hardship-help"],
            "A03": ["law-qa", "collective-contract"],
            "A04": ["craftsman-profile", "model-worker-school"],
        },
    ),
]
