"""The built-in annual-summary template: the seed's paragraphs (the 2023 summary of
秦州区妇联), with each figure replaced by a placeholder that reads its indicator.

Placeholders (Jinja, as in every .docx template):

* ``{{ org }}`` the org's name, ``{{ year }}`` the year;
* ``{{ v("code", "次") }}`` an indicator's exact value with the unit the text uses
  (``16次``);
* ``{{ approx("code", "次") }}`` a campaign count in the report's rounding (``150余次``);
* ``{{ dates("series") }}`` the dates of a training series' classes in the year
  (``8月29日—31日,10月24日—26日``).

The unit is the template's word, not the indicator's (the seed counts delegates in 名, the
registry in 人), so the wording stays the federation's. The reference to the source (a
footnote in md, a hover and [n] in html and pdf, a superscript [n] in docx) follows the
figure with its unit, so "16次" reads unbroken. A placeholder whose indicator does not
exist prints ``【缺少指标：code】`` instead of failing.
"""

from __future__ import annotations

TITLE = "{{ org }}妇联{{ year }}年度工作总结"

PARAGRAPHS = [
    "{{ year }}年,{{ org }}妇联抓实基层妇联组织建设,引领妇联干部强基础、提素质、赋能力,"
    "推动妇女工作者提升责任意识、工作质量和服务标准,更好的为妇女姐妹服务,不断推动妇联组织"
    "更加坚强有力,阵地建设更加规范标准,执委作用发挥更加充分有效,群众认可度满意度不断提升。",
    #
    "聚焦“强”字施力,夯实基层组织基础。坚持“党建带妇建,妇建服务党建”原则,著力破解基层妇联"
    "改革和发展中存在的突出问题。加强指导督察,到镇、街道指导妇女组织建设工作"
    '{{ v("building.guidance_visits", "次") }},指导基层妇联查漏补缺,补短板强弱项,建强阵地。'
    "指导镇村将阵地共建共享共用,依托党群服务中心、新时代文明实践所(站)等健全完善“妇女之家”,"
    "推动基层妇联执委会议事制度、基层妇联组织工作制度的落实。进一步加强机关、企事业单位妇联"
    "组织规范化建设,对尚未成立妇联组织的机关事业单位,督促成立妇联组织。在 “三新”组织建立"
    '妇联组织{{ v("building.new_sector_orgs_founded", "个") }}。在镇、街道、区直机关妇委会成立'
    '“执委婚调工作室”{{ v("venues.mediation_workrooms_established", "个") }}。在村 (社区) 开展'
    "妇联执委与基层网格员双向任职工作,推动妇联工作与基层社会治理深度融合,通过“看、听、问、"
    "帮、报、想、讲、记”服务妇女群众。组织各镇(街道)妇联主席到天水镇妇女产业发展基地、"
    "“文化大院”(妇女微家)及皂郊镇下寨子村(妇女之家)观摩学习,交流经验。积极建设“妇女微家”。"
    "指导基层妇联按照创建标准,因地制宜建设“妇女微家”。在企业、群众兴趣组织中成立“妇女微家”"
    '{{ v("venues.micro_homes_established", "个") }}。拓展微家创建内涵。指导开展家庭矛盾纠纷化解、'
    "亲子关系调试、心理疏导、科学家教、创业创新指导、文体娱乐等活动。",
    #
    "聚焦“全”字施力,配齐建强骨干队伍。按照《中华全国妇女联合会章程》《妇女联合会选举工作条例》,"
    "{{ org }}妇联细化方案,科学部署、提前谋划,规范流程,圆满召开第八次妇女代表大会。大会吸纳"
    "各族各界、各行各业劳动妇女和知识女性中的优秀代表、工人及农民代表、“三新”组织代表等"
    '{{ v("people.delegates", "名") }}妇女代表,为我区妇女儿童事业发展建言献策,壮大我区妇联系统'
    "骨干队伍。推选知妇女群众、懂妇女群众、爱妇女群众,有做妇女群众工作本领和经验的优秀妇女"
    "干部,女科技致富带头人、文明新风带头人、公益事业热心人、新兴领域妇女组织负责人等热心妇女"
    "儿童事业的优秀人才担任妇联执委,共同做好我区妇女工作。大会回顾总结了第七次妇女代表大会以来"
    "取得的主要成绩,科学谋划了今后五年的奋斗目标和主要任务,向全区广大妇女发出了“巾帼筑梦新征程"
    " 踔厉奋发谱新篇”的号召,妇联组织服务大局、服务妇女的能力有效提升,号召力、凝聚力、影响力"
    "进一步提高。",
    #
    "聚焦“能”字施力,加强妇联队伍建设。区妇联以高标准抓好基层妇联队伍能力提升培训,引领全区"
    '妇联主席、执委强基础、提素质、赋能力。{{ dates("lingtouyan") }},举办'
    '{{ v("events.series.lingtouyan.classes", "期") }}{{ org }}{{ year }}年基层妇联组织“领头雁”'
    "暨基层妇联干部履职能力提升培训班,培训基层妇联主席、执委、网格员"
    '{{ v("events.series.lingtouyan.trainees", "人") }}。培训采取专题讲座、理论宣讲、集中辅导、'
    "案例教学、观摩学习、交流研讨等相结合的方式,就习近平新时代中国特色社会主义思想、党的二十大"
    "精神、《习近平关于妇女儿童和妇联工作论述摘编》、{{ org }}妇女儿童发展规划(2021-2030年)、"
    "妇女维权知识及矛盾纠纷排查化解技巧等方面精心选题、科学设置,由熟悉妇女工作的妇联领导干部"
    "为大家传经验、教方法,邀请党校教授做专题辅导,组织实地参观,通过理论培训夯实基础,业务培训"
    "增强能力,观摩交流促进发展,让所有妇联干部学有所思、学有所悟、学有所获。"
    '{{ dates("huhang") }},举办“护航成长”基层干部能力提升培训班。讲授未成年人权益受侵害的'
    "基本应对方法,提高基层妇联干部、儿童主任及家长处理未成年人保护问题的能力水平。全区妇联系统"
    '通过集中学习、以会代训、专题讲座等方式开展培训{{ v("events.trainings", "次") }},培训镇(街道)、'
    '村(社区)妇联主席、执委{{ v("events.training_attendances", "人") }}。',
    #
    "聚焦“干”字施力,充分发挥执委作用。2月,召开八届二次执委(扩大)会议。听取"
    '{{ v("duty.duty_reports", "名") }}执委述职,并采取“一述一评”的方式逐一进行点评。对全体执委'
    "进行了民主评议测评。组织各镇、街道开展妇联执委述职评议工作会议,充分发挥执委履职作用。"
    "持续在执委中开展“我为妇女儿童办实事”活动。区妇联"
    '{{ v("duty.claiming_executives", "名") }}执委根据自己的所属行业、自身特长和优势,共领办实事'
    '项目{{ v("duty.projects_claimed", "个") }}。指导镇、街道妇联立足村、社区网格,建立执委认领'
    "项目库,实施基层妇联执委“一人一事 我为妇女儿童办实事”行动,带领妇女群众在共建共治共享城乡"
    "治理中发挥作用。组织妇联干部执委广泛开展大走访、大调研活动,深入细致了解掌握特殊困难群体、"
    "困难家庭、就业创业妇女生产生活中遇到的实际困难、迫切需求。执委结合各自工作实际,实施好"
    "“三访三帮”行动,为困难妇女群众或家庭开展力所能及的帮扶工作。区妇联走进齐寿镇,集中开展了"
    "“三访三帮”行动暨送政策送关爱系列活动。据统计,各级执委共开展“法进万家安民心”普法宣传"
    '{{ approx("events.campaign.law_homes", "次") }},“新时代女性课堂”“巾帼好声音”宣讲'
    '{{ approx("events.campaign.women_voice", "次") }},“携手成长”生产技能培训'
    '{{ approx("events.campaign.growing_together", "次") }},“把爱带回家”结对行动'
    '{{ approx("events.campaign.love_home", "次") }},巾帼共建美丽家园清洁行动'
    '{{ approx("events.campaign.beautiful_homes", "次") }}。(供稿 区妇联)',
]
