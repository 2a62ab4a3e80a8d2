#!/usr/bin/env python3
"""The templated part of the intake evaluation set: a second, independent procedure.

    python tools/intake_eval/templates.py [--jionlp PATH/china_location.zip]

Writes main/generated/<category>.txt and holdout/generated/<category>.txt in the same
'input | truth | note' form as the hand-written files (notes start with 'tpl:'); then run
build_intake_eval.py, which resolves and checks every truth key against the raw data.

The templates, typo table and noise here are this script's own (written for the evaluation,
without reference to the project's IntakeGenerator): they sample villages, groups, houses,
landmarks and outside places uniformly from the raw bundled data and jionlp's division tree,
so every one of the 148 villages has a fair chance to appear.
"""
import argparse
import collections
import csv
import glob
import io
import json
import os
import random
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
B = os.path.join(ROOT, "boundaries")

# one character → characters a clerk types for it (sound or shape); the script's own table
CONFUSE = {
    "湾": "弯塆", "坝": "霸埧", "坪": "平苹", "岗": "冈港", "沟": "勾", "桥": "乔", "河": "和合",
    "溪": "西", "山": "三杉", "峨": "娥鹅", "龙": "笼隆", "石": "时实", "林": "琳淋", "店": "殿垫",
    "园": "元圆", "泉": "全", "安": "按鞍", "场": "厂", "家": "佳加", "华": "花", "槐": "怀",
    "岩": "沿严", "原": "源", "红": "洪宏", "江": "姜", "坎": "砍", "寺": "四", "塘": "堂唐",
    "埂": "梗耿", "凉": "良梁", "田": "甜", "忠": "中", "天": "添", "世": "市", "余": "于鱼",
    "黄": "皇", "金": "今", "长": "常", "寨": "砦", "柱": "住", "禅": "蝉", "丰": "峰风",
    "蜂": "峰", "鞍": "安", "柏": "百", "棠": "堂", "魏": "卫", "燎": "辽", "齐": "奇",
    "孙": "逊", "肖": "萧", "码": "马", "胡": "湖", "付": "傅", "稻": "道", "杜": "肚",
    "刘": "流", "牛": "午", "坡": "波", "岚": "兰", "科": "可", "凼": "当荡",
}
TRAD = dict(zip("湾区镇乡组号龙凤坝岗沟桥农场华兴园东云刘杨叶万长红邓骑禄黄凉风罗观双马岚营业轸谭铜龚芦齐杂矿养乐轧陵车顺岭坟丰挹禅绿关门园凼头",
                "灣區鎮鄉組號龍鳳壩崗溝橋農場華興園東雲劉楊葉萬長紅鄧騎祿黃涼風羅觀雙馬嵐營業軫譚銅龔蘆齊雜礦養樂軋陵車順嶺墳豐挹禪綠關門園氹頭"))
CN = "零一二三四五六七八九"
ESTATES = ["锦绣华庭", "金桂苑", "阳光丽景", "馨居花园", "盛世豪庭", "丽都花园", "枫林苑", "怡景苑",
           "鑫源小区", "兰亭雅苑", "书香门第", "天悦府", "君悦华庭", "紫荆苑", "恒丰花园", "瑞祥小区",
           "宏达小区", "金色家园", "富华苑", "翠湖苑"]
SURNAMES = "张李王刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
REMARKS = ["反映路灯不亮", "反映噪音扰民", "房屋漏雨", "邻里纠纷", "污水外溢", "垃圾无人清运", "狗咬人",
           "占道经营", "请尽快处理", "需要上门核实", "山体滑坡隐患", "自来水停了三天", "申请低保咨询"]
POSITIONS = ["附近", "门口", "对面", "旁边", "后面", "隔壁", "那边"]


def cn_num(n):
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n % 10] if n % 10 else "")
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


def full_width(s):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


def phone(r):
    return r.choice(["13", "15", "18", "17"]) + "".join(str(r.randrange(10)) for _ in range(9))


class Data:
    def __init__(self, jionlp):
        self.div = list(csv.DictReader(open(os.path.join(B, "source", "divisions.tsv"), encoding="utf-8"), delimiter="\t"))
        self.townships = sorted({r["township"] for r in self.div})
        names = [r["village"] for r in self.div]
        self.names = set(names)
        stems = collections.Counter(self.stem(n) for n in names)
        tstems = {t[:-2] if t.endswith("街道") else t[:-1] for t in self.townships}
        self.unique_stem = {n for n in names if stems[self.stem(n)] == 1 and len(self.stem(n)) >= 2
                            and self.stem(n) not in tstems and not any(self.stem(n) in t for t in tstems)}
        rows = []
        for fn in sorted(glob.glob(os.path.join(B, "addresses", "*.csv"))):
            rows += list(csv.DictReader(open(fn, encoding="utf-8")))
        self.groups = collections.defaultdict(list)  # (township, village) -> [(group, number)]
        houses = collections.defaultdict(set)
        for r in rows:
            if r["kind"] == "group":
                self.groups[(r["township"], r["village"])].append((int(r["group"]), int(r["number"])))
            else:
                houses[(r["township"], r["street"], int(r["number"]))].add(r["village"])
        self.houses = sorted(k for k, v in houses.items() if len(v) == 1)
        self.landmarks = [f["properties"]["name"] for f in
                          json.load(open(os.path.join(B, "landmarks.geojson"), encoding="utf-8"))["features"]
                          if f["properties"]["name"] != "沫若故居"]  # point and scenic area disagree on its village
        self.outside = self.read_jionlp(jionlp)

    @staticmethod
    def stem(n):
        return n[:-2] if n.endswith("社区") else n[:-1] if n.endswith("村") else n

    def read_jionlp(self, path):
        with zipfile.ZipFile(path) as z:
            text = z.read(z.namelist()[0]).decode("utf-8")
        out = []  # (city, county, town, village)
        city = county = town = None
        for line in io.StringIO(text):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            depth = len(line) - len(line.lstrip("\t"))
            name = line.strip().split("\t")[0]
            if depth == 1:
                city = name
            elif depth == 2:
                county = name
            elif depth == 3:
                town = name
            elif depth == 4 and city in ("乐山市", "眉山市") and county != "沙湾区":
                out.append((city, county, town, name))
        return out


def prefix(r):
    return r.choice(["四川省乐山市沙湾区", "乐山市沙湾区", "沙湾区", "沙湾区", "乐山沙湾区", "沙湾", ""])


def gen_full(r, d):
    tw, v = r.choice(sorted(d.groups))
    g, n = r.choice(d.groups[(tw, v)])
    return f"{prefix(r)}{tw}{v}{g}组{n}号", f"G {tw} {v} {g} {n}", "tpl: full group address"


def gen_bare(r, d):
    tw, v = r.choice(sorted(d.groups))
    g, _ = r.choice(d.groups[(tw, v)])
    form = r.randrange(3)
    if form == 0 and v in d.unique_stem:
        return f"{d.stem(v)}{g}组", f"G {tw} {v} {g}", "tpl: stem + group"
    if form == 1:
        return f"{tw}{v}", f"V {tw} {v}", "tpl: township + village"
    return f"{v}{g}组", f"G {tw} {v} {g}", "tpl: village + group"


def gen_typo(r, d):
    while True:
        tw, v = r.choice(sorted(d.groups))
        st = d.stem(v)
        spots = [i for i, c in enumerate(st) if c in CONFUSE]
        if not spots:
            continue
        i = r.choice(spots)
        c = r.choice(CONFUSE[st[i]])
        typo = st[:i] + c + st[i + 1:] + v[len(st):]
        if typo in d.names or any(typo in n or n in typo for n in d.names if n != v and len(n) > 2):
            continue
        g, _ = r.choice(d.groups[(tw, v)])
        return f"{prefix(r)}{tw}{typo}{g}组", f"G {tw} {v} {g}", f"tpl: typo {st[i]}→{c}"


def gen_landmark(r, d):
    name = r.choice(d.landmarks)
    return f"{name}{r.choice(POSITIONS)}", f"L {name}", "tpl: landmark + position word"


def gen_street(r, d):
    tw, st, n = r.choice(d.houses)
    tail = r.choice(["", "", f"{r.choice(ESTATES)}{r.randint(1, 12)}栋",
                     f"{r.randint(1, 9)}栋{r.randint(1, 4)}单元{r.randint(1, 18)}0{r.randint(1, 4)}室",
                     f"{r.choice(ESTATES)}{r.randint(1, 9)}栋{r.randint(1, 3)}单元{r.randint(1, 9)}0{r.randint(1, 2)}"])
    return f"{prefix(r)}{tw}{st}{n}号{tail}", f"H {tw} {st} {n}", "tpl: street house"


def gen_outside(r, d):
    city, county, town, vil = r.choice(d.outside)
    g = r.randint(1, 6)
    form = r.randrange(4)
    if form == 0:
        s = f"{county}{town}{vil}{g}组"
    elif form == 1:
        s = f"四川省{city}{county}{town}{vil}"
    elif form == 2:
        s = f"{city}{county}{town}{vil}{g}组{r.randint(1, 40)}号"
    else:
        s = f"{county}{town}{vil}"
    return s, f"O {county} {town} {vil}", f"tpl: outside {city}"


def gen_mixed(r, d):
    tw, v = r.choice(sorted(d.groups))
    g, n = r.choice(d.groups[(tw, v)])
    kind = r.randrange(6)
    if kind == 0:
        s, note = f"{tw}{v}{cn_num(g)}组{cn_num(n)}号", "Chinese numerals"
    elif kind == 1:
        s, note = full_width(f"{prefix(r)}{tw}{v}{g}组{n}号"), "full-width digits"
    elif kind == 2:
        s, note = "".join(TRAD.get(c, c) for c in f"{prefix(r)}{tw}{v}{g}组{n}号"), "traditional characters"
    elif kind == 3:
        s = f"{r.choice(SURNAMES)}{r.choice(['先生', '女士', '大爷', '师傅', '某'])}反映：{tw}{v}{g}组{r.choice(REMARKS)}，电话{phone(r)}"
        note = "name, remark, phone"
    elif kind == 4:
        s, note = f"{prefix(r)} {tw} {v} {g} 组 {n} 号", "spaces"
    else:
        s, note = f"{phone(r)} {tw}{v}第{g}组 {r.choice(REMARKS)}", "phone first, 第N组, remark"
    return s, f"G {tw} {v} {g}" + (f" {n}" if kind < 3 or kind == 4 else ""), f"tpl: {note}"


GENERATORS = {"full": gen_full, "bare": gen_bare, "typo": gen_typo, "landmark": gen_landmark,
              "street": gen_street, "outside": gen_outside, "mixed": gen_mixed}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jionlp", default=os.path.join(ROOT, "tools", ".venv", "lib", "python3.11", "site-packages",
                                                     "jionlp", "dictionary", "china_location.zip"))
    a = ap.parse_args()
    d = Data(a.jionlp)
    taken = set()
    for part in ("main", "holdout"):  # hand-written inputs are never repeated
        for fn in glob.glob(os.path.join(HERE, part, "*.txt")):
            taken |= {line.split(" | ")[0] for line in open(fn, encoding="utf-8") if " | " in line}
    for part, seed, count in (("main", 20240601, 22), ("holdout", 20240917, 7)):
        r = random.Random(seed)
        os.makedirs(os.path.join(HERE, part, "generated"), exist_ok=True)
        for cat, gen in GENERATORS.items():
            lines = []
            while len(lines) < count:
                s, key, note = gen(r, d)
                if s in taken:
                    continue
                taken.add(s)
                lines.append(f"{s} | {key} | {note}")
            with open(os.path.join(HERE, part, "generated", cat + ".txt"), "w", encoding="utf-8") as f:
                f.write("# written by tools/intake_eval/templates.py; do not edit\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
