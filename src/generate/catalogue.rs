//! The indicator rows a project's 表17 is made of: per 二级指标, names with the kind of target
//! they take. Names follow published tables (many are the seed's own).

/// The kind of target a name takes; the value and operator are drawn per row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Family {
    /// Counts of things in one of these units: `>= 30 家`, sometimes `<=`, `=`, `>`.
    Count(&'static [&'static str]),
    /// Counts of things written as a range: `10-15 家`.
    Range(&'static [&'static str]),
    /// Counts with 万: `>= 0.1 万户`.
    Wan(&'static [&'static str]),
    /// Money in this unit; at most under 成本指标, at least elsewhere.
    Money(&'static str),
    /// `<= <the project's budget> 万元`.
    Cost,
    /// A share that should be reached: `= 100 %`, `>= 95 %`.
    Rate,
    /// Growth: `>= 5 %`.
    Growth,
    /// A share that must stay under: `<= 5 %`.
    Cap(i64),
    /// A small share kept below: `< 1 %`.
    Low,
    /// Nothing may happen: `= 0 次`.
    Zero(&'static [&'static str]),
    /// Areas: `>= 500 平方米`.
    Area(&'static [&'static str]),
    /// A duration no longer than: `<= 15 天`, `= 12 月`.
    Within(&'static str),
    /// A duration at least: `>= 3 年`.
    Lasting(&'static str),
    /// Masses: `>= 5000 吨标准煤`.
    Mass(&'static [&'static str]),
    /// Energy: `>= 120 万千瓦时`.
    Energy,
    /// A qualitative target, one of these texts.
    Text(&'static [&'static str]),
}

use Family::*;

pub(crate) const PRODUCT: &str = "产出指标";
pub(crate) const BENEFIT: &str = "效益指标";
pub(crate) const SATISFACTION: &str = "满意度指标";

pub(crate) const QUANTITY: (&str, &[(&str, Family)]) = (
    "数量指标",
    &[
        ("支持企业数量", Count(&["家", "户", "个"])),
        ("补助项目数量", Count(&["个", "项"])),
        ("培训人次", Count(&["人次"])),
        ("培训覆盖人次", Wan(&["万人次"])),
        ("服务用户规模", Wan(&["万户"])),
        ("服务用户数量", Count(&["户", "个"])),
        ("举办活动场次", Count(&["场"])),
        ("开展企业调研次数", Count(&["次"])),
        ("走访企业户数", Count(&["户"])),
        ("调查企业户数", Wan(&["万户"])),
        ("受益群众人数", Count(&["人"])),
        ("新建基站数量", Wan(&["万个"])),
        ("发放宣传材料数量", Count(&["份", "册"])),
        ("认定示范企业数量", Count(&["家"])),
        ("评审项目数量", Count(&["个", "项"])),
        ("维修屋面面积", Area(&["平方米", "平米"])),
        ("改造建筑面积", Area(&["平方米", "万平方米"])),
        ("建设公共服务平台数量", Count(&["个"])),
        ("购置设备数量", Count(&["台", "套"])),
        ("召开会议次数", Count(&["次"])),
        ("聘请专家人次", Count(&["人次"])),
        ("培育企业数量", Range(&["家", "个"])),
        ("重点培育项目数量", Range(&["个", "项"])),
        ("参评人数", Count(&["人"])),
        ("服务企业数量", Count(&["家"])),
        ("新增就业岗位", Count(&["个"])),
        ("帮扶企业数", Count(&["户"])),
        ("覆盖人口数量", Wan(&["万人"])),
        ("完成印刷", Text(&["完成印刷"])),
    ],
);

pub(crate) const QUALITY: (&str, &[(&str, Family)]) = (
    "质量指标",
    &[
        ("项目验收合格率", Rate),
        ("补助资金到位率", Rate),
        ("培训完成率", Rate),
        ("服务企业数量完成率", Rate),
        ("评审工作准确率", Rate),
        ("设备完好率", Rate),
        ("数据报送准确率", Rate),
        ("成果质量达标率", Rate),
        ("正常运转率", Rate),
        ("问题整改率", Rate),
        ("高级职称通过率", Cap(50)),
        ("项目评审通过率", Cap(60)),
        ("有效投诉率", Low),
        ("数据差错率", Low),
        ("安全生产事故发生次数", Zero(&["次", "起"])),
        ("违法违规行为发生次数", Zero(&["次", "件"])),
        ("服务质量", Text(&["符合标准", "质量达标", "规范有序"])),
        ("项目实施质量", Text(&["符合要求", "质量达标"])),
        ("资金使用规范性", Text(&["使用规范", "支出规范"])),
        ("加强供用电监督管理", Text(&["严格监管"])),
    ],
);

pub(crate) const TIMELINESS: (&str, &[(&str, Family)]) = (
    "时效指标",
    &[
        ("资金拨付及时率", Rate),
        ("项目实施及时率", Rate),
        ("保障及时率", Rate),
        ("项目完成时限", Within("月")),
        ("项目完成时间", Within("年")),
        ("问题响应时间", Within("小时")),
        ("事项办结时限", Within("天")),
        ("用户平均停电时长", Within("小时")),
        ("拨付资金时限", Within("月")),
        ("工作完成时间节点", Text(&["按时完成"])),
    ],
);

pub(crate) const COST: (&str, &[(&str, Family)]) = (
    "成本指标",
    &[
        ("项目成本", Cost),
        ("项目核心产出单位成本", Money("万元")),
        ("人均培训成本", Money("元")),
        ("单个项目补助标准", Money("万元")),
        ("项目总投资", Money("亿元")),
        ("成本控制率", Cap(100)),
        ("按标准保障率", Rate),
        ("经费支出规范性", Text(&["支出规范"])),
    ],
);

pub(crate) const ECONOMIC: (&str, &[(&str, Family)]) = (
    "经济效益指标",
    &[
        ("带动工业投资", Money("亿元")),
        ("带动企业销售收入", Money("万元")),
        ("企业主营业务收入", Money("亿元")),
        ("产业收入提升率", Growth),
        ("规上工业增加值增速", Growth),
        ("节约财政资金", Money("万元")),
        ("新增产值", Money("亿元")),
        ("促进经济发展", Text(&["促进发展"])),
        ("推动相关产业发展", Text(&["产业发展"])),
        ("带动社会投资", Text(&["有效带动"])),
    ],
);

pub(crate) const SOCIAL: (&str, &[(&str, Family)]) = (
    "社会效益指标",
    &[
        ("带动就业人数", Count(&["人"])),
        ("受益群众人次", Wan(&["万人次"])),
        ("行业主要媒体报道数量", Count(&["次", "篇"])),
        ("政策知晓率", Rate),
        ("高技能人才增长率", Growth),
        ("税收违法“黑名单”公布数", Count(&["户"])),
        ("维护社会稳定", Text(&["维护稳定", "确保稳定"])),
        ("提高企业社会影响力", Text(&["提高影响"])),
        ("提升公共服务水平", Text(&["能力提升", "水平提升"])),
        ("营造良好营商环境", Text(&["环境优化"])),
        ("推动制造业创新发展", Text(&["推动创新"])),
        ("基本公共服务水平提升", Text(&["能力提升"])),
    ],
);

pub(crate) const ECOLOGICAL: (&str, &[(&str, Family)]) = (
    "生态效益指标",
    &[
        ("节约标准煤", Mass(&["吨标准煤"])),
        ("减少二氧化碳排放", Mass(&["万吨", "吨"])),
        ("节约用电量", Energy),
        ("新增绿化面积", Area(&["平方米", "万平方米"])),
        ("减少企业排放", Text(&["节能降碳"])),
        ("保护生态系统", Text(&["保护生态"])),
        ("节能减排效果", Text(&["提高意识", "效果明显"])),
        ("改善人居环境", Text(&["环境改善"])),
    ],
);

pub(crate) const SUSTAINABLE: (&str, &[(&str, Family)]) = (
    "可持续影响指标",
    &[
        ("项目持续发挥作用期限", Lasting("年")),
        ("政策可持续性", Text(&["政策持续"])),
        ("保障水平", Text(&["足额保障"])),
        ("长效机制建设", Text(&["持续完善", "机制健全"])),
        ("项目实施可持续性", Text(&["持续发挥作用"])),
    ],
);

/// 满意度指标's 二级指标: (weight, name).
pub(crate) const SATISFACTION_KINDS: &[(u64, &str)] =
    &[(9, "服务对象满意度指标"), (1, "社会公众满意度指标")];

/// 产出指标's 二级指标, in the order a table lists them.
pub(crate) const PRODUCT_KINDS: [(&str, &[(&str, Family)]); 4] =
    [QUANTITY, QUALITY, TIMELINESS, COST];

/// 效益指标's 二级指标, in the order a table lists them.
pub(crate) const BENEFIT_KINDS: [(&str, &[(&str, Family)]); 4] =
    [ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE];
