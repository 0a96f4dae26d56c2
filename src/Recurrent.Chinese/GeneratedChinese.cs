// GeneratedChinese: Chinese prose made by a small grammar from word lists written for this project — people, times,
// places, verbs with fitting objects, adverbs, weather and feelings, joined by a dozen sentence patterns (with
// because/so, although/but, quoted speech and a year in digits) into paragraphs. Deterministic by seed. It is the
// corpus of `rnn demo chinese`, of the segmentation benchmark and of the tests: real enough for jieba (most words
// are dictionary words of two to four characters) and for a word-level model to learn its patterns in seconds,
// and copied from nowhere. Every character is in GBK.
using System.Text;
using Recurrent.Randomness;

namespace Recurrent.Chinese;

/// <summary>Generated Chinese text for demos, benchmarks and tests.</summary>
public static class GeneratedChinese
{
    private static readonly string[] People =
    [
        "我", "你", "他", "她", "我们", "他们", "老师", "学生", "医生", "工程师", "农民", "朋友", "邻居", "小明", "小红",
        "爷爷", "奶奶", "妈妈", "爸爸", "孩子们", "同学们", "科学家", "作家", "厨师", "司机", "警察", "姐姐", "弟弟",
    ];

    private static readonly string[] Times =
    [
        "今天", "昨天", "明天", "早上", "晚上", "周末", "每天", "去年", "春天", "冬天", "下午", "中午", "夏天", "秋天", "星期一",
    ];

    private static readonly string[] Places =
    [
        "学校", "图书馆", "公园", "医院", "超市", "北京", "上海", "杭州", "村子里", "海边", "山上", "家里", "办公室", "实验室",
        "火车站", "博物馆", "花园", "教室", "河边", "城市", "饭馆", "工厂", "农村", "广场",
    ];

    // A verb and the objects that go with it.
    private static readonly (string Verb, string[] Objects)[] Actions =
    [
        ("看", ["书", "电影", "报纸", "风景", "比赛"]),
        ("阅读", ["小说", "报纸", "杂志", "历史书"]),
        ("写", ["信", "日记", "文章", "程序", "作业"]),
        ("学习", ["数学", "历史", "音乐", "中文", "物理", "英语"]),
        ("吃", ["米饭", "面条", "饺子", "水果", "苹果", "早饭"]),
        ("喝", ["茶", "咖啡", "牛奶", "热水"]),
        ("买", ["水果", "衣服", "报纸", "礼物", "蔬菜", "鲜花"]),
        ("种", ["花", "树", "蔬菜", "小麦"]),
        ("画", ["山水", "花草", "地图", "动物"]),
        ("研究", ["问题", "历史", "天气", "动物", "语言"]),
        ("打扫", ["房间", "教室", "院子"]),
        ("准备", ["晚饭", "考试", "礼物", "会议"]),
    ];

    private static readonly string[] Activities =
    [
        "散步", "跑步", "游泳", "休息", "工作", "唱歌", "跳舞", "睡觉", "讨论", "锻炼", "旅行", "看书",
    ];

    private static readonly string[] Adverbs = ["认真地", "高兴地", "慢慢地", "安静地", "仔细地", "努力地"];
    private static readonly string[] Degrees = ["很", "非常", "特别", "有点", "十分", "比较"];
    private static readonly string[] Weather = ["好", "冷", "热", "晴朗", "暖和", "凉快", "干燥"];
    private static readonly string[] Feelings = ["高兴", "满意", "累", "激动", "紧张", "轻松", "开心"];
    private static readonly string[] Sights = ["风景", "城市", "街道", "校园", "天空", "湖水"];
    private static readonly string[] Looks = ["美丽", "热闹", "安静", "干净", "漂亮", "宽阔"];

    /// <summary>
    /// About <paramref name="characters"/> characters (at least one paragraph) of paragraphs of 3–6 sentences,
    /// each paragraph ending with a newline; the same seed gives the same text.
    /// </summary>
    public static string Text(int characters, ulong seed = 1)
    {
        if (characters <= 0) throw new ArgumentException($"characters must be positive, got {characters}.", nameof(characters));
        var rng = new Rng(seed);
        var text = new StringBuilder(characters + 200);
        while (text.Length < characters)
        {
            int sentences = 3 + rng.NextInt(4);
            for (int i = 0; i < sentences; i++) Sentence(text, rng);
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The multi-character words the grammar uses (people, times, places, verbs, objects...), for tests and demos.</summary>
    public static IReadOnlyList<string> Words { get; } =
        People.Concat(Times).Concat(Places).Concat(Actions.Select(a => a.Verb)).Concat(Actions.SelectMany(a => a.Objects))
            .Concat(Activities).Concat(Feelings).Concat(Sights).Concat(Looks)
            .Where(w => w.Length > 1).Distinct().Order(StringComparer.Ordinal).ToArray();

    private static void Sentence(StringBuilder s, Rng rng)
    {
        string Pick(string[] words) => words[rng.NextInt(words.Length)];
        string Act()
        {
            var (verb, objects) = Actions[rng.NextInt(Actions.Length)];
            return verb + Pick(objects);
        }
        string who = Pick(People), other = Pick(People);
        switch (rng.NextInt(12))
        {
            case 0: s.Append(who).Append(Pick(Times)).Append('在').Append(Pick(Places)).Append(Act()).Append('。'); break;
            case 1: s.Append(Pick(Times)).Append('，').Append(who).Append('和').Append(other).Append("一起去").Append(Pick(Places)).Append(Pick(Activities)).Append('。'); break;
            case 2: s.Append(Pick(Places)).Append("的天气").Append(Pick(Degrees)).Append(Pick(Weather)).Append('，').Append(who).Append("觉得很").Append(Pick(Feelings)).Append('。'); break;
            case 3: s.Append("因为天气").Append(Pick(Degrees)).Append(Pick(Weather)).Append("，所以").Append(who).Append("在").Append(Pick(Places)).Append(Act()).Append('。'); break;
            case 4: s.Append(who).Append("说：“").Append(other).Append(Pick(Times)).Append("要去").Append(Pick(Places)).Append(Act()).Append("。”"); break;
            case 5: s.Append("虽然").Append(who).Append("很忙，但是").Append(who).Append("每天都坚持").Append(Pick(Activities)).Append('。'); break;
            case 6: s.Append(who).Append(Pick(Adverbs)).Append(Act()).Append("，然后回家").Append(Pick(Activities)).Append("了。"); break;
            case 7: s.Append(Pick(Places)).Append("的").Append(Pick(Sights)).Append(Pick(Degrees)).Append(Pick(Looks)).Append('！'); break;
            case 8: s.Append(who).Append("在").Append(2000 + rng.NextInt(25)).Append("年去过").Append(Pick(Places)).Append("，还想再去一次。"); break;
            case 9: s.Append(who).Append("问").Append(other).Append("：“你").Append(Pick(Times)).Append("想不想").Append(Act()).Append("？”"); break;
            case 10: s.Append("如果").Append(Pick(Times)).Append("天气").Append(Pick(Weather)).Append("，").Append(who).Append("就去").Append(Pick(Places)).Append(Pick(Activities)).Append('。'); break;
            default: s.Append(who).Append("一边").Append(Act()).Append("，一边").Append(Act()).Append("，觉得").Append(Pick(Degrees)).Append(Pick(Feelings)).Append('。'); break;
        }
    }
}
