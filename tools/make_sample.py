#!/usr/bin/env python3
"""Generate Hashiya's two bundled sample annotation projects.

    python3 tools/make_sample.py [SEED]      (run from the repo root)

SEED (the article's text) defaults to tests/fixtures/derna-sirte.txt, the Al
Jazeera Net article in the repository.  Writes projects/derna-sirte.json
(annotator A) and projects/derna-sirte.annotator-b.json (annotator B).
Standard library only.

No offset is written by hand: every span is given as (label, surface string,
occurrence index of that exact string in the text, counting from 0); start
and end are computed with str.find and checked with text[start:end] == surface.
Offsets are Unicode code points (Python str indices), end-exclusive.

Annotation conventions (annotator A; B follows them except where listed below)
------------------------------------------------------------------------------
* Actors: every referring expression that names or definitely designates a
  specific person, organisation, armed group, government or state: full names
  («خليفة حفتر», «تنظيم الدولة الإسلامية»), shortened names («حفتر», «تنظيم
  الدولة», «داعش», quoted «الدولة» in the headline, «مجلس شورى درنة», «مجلس
  الشورى») and definite anaphors that stand for an already-named actor
  («التنظيم», «الائتلاف», «الحكومة»).  Unnamed but specific acting groups are
  annotated without an entity («مصادر عسكرية», «الدول المتعاونة معها», «دول
  أوروبية»).  Not annotated: pronouns and pronominal suffixes («بلاده»,
  «معقلهم»), nationality adjectives inside titles («البريطاني»), and whole
  populations («الليبيين», «الأهالي», «الشعب الليبي»).
* Titles and roles are outside person spans («اللواء المتقاعد», «القائد
  الميداني», «نائب رئيس ...», «وزير الخارجية البريطاني»).  "Fighters/members
  of X" is annotated as X («مسلحي التنظيم» -> «التنظيم»).  «قوات حفتر» is an
  armed-group mention (same entity as «قوات عملية الكرامة»), with «حفتر»
  nested in it as a person mention.
* Attached clitics are outside spans (ب in «بدرنة», و in «والبيضاء», ل in
  «لحكومة»).  In «للتنظيم» (ل + التنظيم, alif of the article elided) the span
  is «لتنظيم»: preposition excluded, the article's lam kept.  Typos with a
  missing space: only the name is covered («ليبيا» in «شرقيليبيا», «فائز
  السراج» in «برئاسةفائز», «المجلس الرئاسي» / «حكومة الوفاق الوطني» in
  «الرئاسيلحكومة», «الصخيرات» in «الصخيراتباعتبارها»).
* Locations: toponyms, without «مدينة»/«منطقة» («سرت» in «بمدينة سرت»,
  «الفتايح» in «منطقة الفتايح»), plus «المدينة» where it refers back to
  Derna.  Toponyms nested in actor names are annotated too («درنة» in «مجلس
  شورى مجاهدي درنة وضواحيها», «درنة»/«البيضاء» in «ائتلاف قوات درنة
  والبيضاء») and linked to the actor by located_in.  «الصخيرات» (town in
  Morocco) is annotated inside «اتفاق الصخيرات».  Areas introduced as «منطقة»
  (الفتايح، الحيلة، عين مارة) have kind "region".  «التراب الليبي», «المدن
  الليبية», «المناطق المحيطة بها» are not location mentions.
* Claims: attributed reported content only (the unattributed analysis in the
  headline and in the paragraph under «حكومة الوفاق» is not a claim).  The span
  is the reported content without reporting verb, speaker, complementiser
  (أن/إن) or framing time adjunct.  When the whole content is quoted, the span
  is the content inside the quote marks; when only part of it is quoted
  (Dar al-Ifta), the whole content is taken and ends before the closing mark.
  Each claim has said_by to its speaker's span and "about" to the main actors
  and places it is about (when they are annotated inside it).
* Headlines (lines 1 and 3) and subheads are annotated like body text.  The
  byline «محمود عبدالواحد» is annotated as actor/person (the author) and the
  credit line «الجزيرة نت» as actor/organization (the outlet), both with a note.

Intended disagreements between annotator A and annotator B
-----------------------------------------------------------
(The script recomputes these from the two sets, asserts they are exactly the
differences between A and B, and prints them.)
 1. missed actor    A a-s014 actor/person «فائز السراج» (inside «برئاسةفائز»);
                    B has no span there.
 2. location bounds A a-s027 location «سرت» vs B b-s025 «مدينة سرت» (line 11,
                    «إلى مدينة سرت»); so A's located_in a-r38 (a-s029 «لتنظيم» -> a-s027)
                    becomes b-r36 (b-s027 -> b-s025) in B.
 3. label           A a-s024 claim/statement «توجه عناصر تنظيم الدولة الفارين من درنة
                    ... في شمال أفريقيا» (said_by a-r02 -> a-s031 «مصادر عسكرية»; about
                    a-r15 -> a-s025, a-r16 -> a-s027) vs B b-s023 actor/armed group
                    «عناصر تنظيم الدولة الفارين من درنة», which overlaps A's claim.  B read
                    the sentence as narration, not as a claim attributed by «حسبما ذكرت»,
                    and took the whole noun phrase as the actor mention, so B also lacks
                    A's a-s025 «تنظيم الدولة» and adds located_in b-r35 (b-s023 -> b-s025).
 4. extra span      B b-s043 location/country «التراب الليبي» (entity e-libya); A does not
                    annotate it.
 5. claim bounds    A a-s098 claim «رفع حظر استيراد الأسلحة ... للشعب الليبي» vs B b-s097
                    «برفع حظر استيراد الأسلحة عن حكومة الوفاق المنبثقة عن اتفاق
                    الصخيرات»: B starts one character earlier (takes the ب) and stops
                    before «باعتبارها الممثل الشرعي الوحيد للشعب الليبي» (crossing
                    overlap).  Its relations a-r11/a-r31 are b-r10/b-r28 in B.
 6. attribute       A a-s061 claim kind "assessment" vs B b-s060 kind "statement"
                    (al-Mansouri: «غياب حاضنة اجتماعية للتنظيم في درنة ...»).
 7. attribute       A a-s045 actor «دار الإفتاء الليبية» kind "organization" vs
                    B b-s044 kind "government".
Relations only in A: a-r02 a-r11 a-r15 a-r16 a-r31 a-r38; only in B: b-r10 b-r28
b-r35 b-r36 (all consequences of 2, 3 and 5).
"""

import argparse
import hashlib
import json
import os
import sys
import unicodedata

DOC_ID = "derna-sirte"

SCHEMA = {
    "labels": [
        {"id": "claim", "name": "Claim", "name_ar": "ادعاء", "color": "#E8A33D", "hotkey": "1",
         "attributes": [{"name": "kind", "values": ["statement", "assessment", "promise",
                                                     "accusation", "denial", "other"]}]},
        {"id": "actor", "name": "Actor", "name_ar": "فاعل", "color": "#4C8BF5", "hotkey": "2",
         "attributes": [{"name": "kind", "values": ["person", "organization", "armed group",
                                                     "government", "state", "other"]}]},
        {"id": "location", "name": "Location", "name_ar": "مكان", "color": "#3DAE6B", "hotkey": "3",
         "attributes": [{"name": "kind", "values": ["city", "region", "country", "site", "other"]}]},
    ],
    "relations": [
        {"id": "said_by", "name": "said by", "from": ["claim"], "to": ["actor"]},
        {"id": "about", "name": "about", "from": ["claim"], "to": ["actor", "location"]},
        {"id": "located_in", "name": "located in", "from": ["actor"], "to": ["location"]},
    ],
}

# Entity registry: id -> (label, canonical name, name variants used as aliases).
# A file's entity keeps only the aliases that its own spans actually use.
# Common-noun anaphors («المدينة», «الحكومة», «الائتلاف») are linked to the
# entity but are not aliases; such spans carry a note instead.
ENTITIES = {
    "e-abdelwahed": ("actor", "محمود عبدالواحد", []),
    "e-ain-mara": ("location", "عين مارة", []),
    "e-aljazeera-net": ("actor", "الجزيرة نت", []),
    "e-bayda": ("location", "البيضاء", []),
    "e-coalition": ("actor", "ائتلاف قوات درنة والبيضاء",
                    ["ائتلاف قوات من مدينتي درنة والبيضاء"]),
    "e-dar-al-ifta": ("actor", "دار الإفتاء الليبية", []),
    "e-derna": ("location", "درنة", []),
    "e-dmsc": ("actor", "مجلس شورى مجاهدي درنة وضواحيها",
               ["مجلس شورى مجاهدي درنة", "مجلس شورى درنة", "مجلس شورى المجاهدين", "مجلس الشورى"]),
    "e-fatayih": ("location", "الفتايح", []),
    "e-gna": ("actor", "حكومة الوفاق الوطني", ["حكومة الوفاق"]),
    "e-haftar": ("actor", "خليفة حفتر", ["حفتر"]),
    "e-hammond": ("actor", "فيليب هاموند", []),
    "e-hasi": ("actor", "شكري الحاسي", []),
    "e-hila": ("location", "الحيلة", []),
    "e-isis": ("actor", "تنظيم الدولة الإسلامية", ["تنظيم الدولة", "الدولة", "داعش", "التنظيم"]),
    "e-karama": ("actor", "قوات عملية الكرامة", ["قوات حفتر"]),
    "e-libya": ("location", "ليبيا", ["التراب الليبي"]),
    "e-maiteeq": ("actor", "أحمد معيتيق", ["احمد معيتيق"]),
    "e-mansouri": ("actor", "محمد إدريس المنصوري", []),
    "e-north-africa": ("location", "شمال أفريقيا", []),
    "e-presidential-council": ("actor", "المجلس الرئاسي", []),
    "e-sarraj": ("actor", "فائز السراج", []),
    "e-sirte": ("location", "سرت", ["مدينة سرت"]),
    "e-skhirat": ("location", "الصخيرات", []),
    "e-tripoli": ("location", "طرابلس", []),
    "e-un": ("actor", "الأمم المتحدة", []),
}

N_DERNA = "«المدينة» refers back to Derna"
N_NESTED = "toponym inside the actor's name"
N_LTANZIM = "ل + التنظيم (alif of the article elided): preposition excluded, article's lam kept"
N_SKHIRAT = "town in Morocco, here in the name of the Skhirat Agreement (اتفاق الصخيرات)"


def S(key, label, surface, occ, kind, entity=None, note=None, ctx=None):
    """A span spec.  occ counts occurrences of `surface` in the text (or of
    `ctx`, when given; the span is then `surface` found inside that ctx)."""
    return dict(key=key, label=label, surface=surface, occ=occ, kind=kind,
                entity=entity, note=note, ctx=ctx)


A_SPANS = [
    # line 1 (headline) and line 3 (same headline repeated)
    S("isis-h1", "actor", "الدولة", 0, "armed group", "e-isis",
      "quoted «الدولة» = تنظيم الدولة الإسلامية"),
    S("derna-h1", "location", "درنة", 0, "city", "e-derna"),
    S("sirte-h1", "location", "سرت", 0, "city", "e-sirte"),
    S("isis-h3", "actor", "الدولة", 1, "armed group", "e-isis",
      "quoted «الدولة» = تنظيم الدولة الإسلامية"),
    S("derna-h3", "location", "درنة", 1, "city", "e-derna"),
    S("sirte-h3", "location", "سرت", 1, "city", "e-sirte"),
    # line 7
    S("dmsc-l7", "actor", "مجلس شورى مجاهدي درنة وضواحيها", 0, "armed group", "e-dmsc"),
    S("derna-l7a", "location", "درنة", 2, "city", "e-derna", N_NESTED),
    S("claim-council", "claim",
      "تحرير كامل مدينة درنة شمال شرقيليبيا والمناطق المحيطة بها من قبضة تنظيم الدولة الإسلامية",
      0, "statement"),
    S("derna-l7b", "location", "درنة", 3, "city", "e-derna"),
    S("libya-l7", "location", "ليبيا", 0, "country", "e-libya"),
    S("isis-l7a", "actor", "تنظيم الدولة الإسلامية", 0, "armed group", "e-isis"),
    S("gna-l7", "actor", "حكومة الوفاق", 0, "government", "e-gna"),
    S("sarraj", "actor", "فائز السراج", 0, "person", "e-sarraj"),
    S("isis-l7b", "actor", "التنظيم", 0, "armed group", "e-isis"),
    S("sirte-l7", "location", "سرت", 2, "city", "e-sirte"),
    S("tripoli-l7", "location", "طرابلس", 0, "city", "e-tripoli"),
    # line 9
    S("coal-l9", "actor", "ائتلاف قوات من مدينتي درنة والبيضاء", 0, "armed group", "e-coalition"),
    S("derna-l9a", "location", "درنة", 4, "city", "e-derna"),
    S("bayda-l9", "location", "البيضاء", 0, "city", "e-bayda"),
    S("isis-l9", "actor", "التنظيم", 1, "armed group", "e-isis"),
    S("dmsc-l9", "actor", "مجلس شورى درنة", 0, "armed group", "e-dmsc"),
    S("derna-l9b", "location", "درنة", 5, "city", "e-derna", N_NESTED),
    # line 11
    S("claim-sources", "claim",
      "توجه عناصر تنظيم الدولة الفارين من درنة إلى مدينة سرت الساحلية شرقي طرابلس"
      "\u00a0حيث أكبر معقل للتنظيم\u00a0في شمال أفريقيا", 0, "statement",
      note="the source text has no-break spaces after «طرابلس» and «للتنظيم»"),
    S("isis-l11a", "actor", "تنظيم الدولة", 1, "armed group", "e-isis"),
    S("derna-l11a", "location", "درنة", 6, "city", "e-derna"),
    S("sirte-l11", "location", "سرت", 3, "city", "e-sirte"),
    S("tripoli-l11", "location", "طرابلس", 1, "city", "e-tripoli"),
    S("isis-l11b", "actor", "لتنظيم", 0, "armed group", "e-isis", N_LTANZIM, ctx="للتنظيم"),
    S("northafrica", "location", "شمال أفريقيا", 0, "region", "e-north-africa"),
    S("sources", "actor", "مصادر عسكرية", 0, "other", None,
      "unnamed military sources in the Derna–Bayda coalition"),
    S("coal-l11", "actor", "ائتلاف قوات درنة والبيضاء", 0, "armed group", "e-coalition"),
    S("derna-l11b", "location", "درنة", 7, "city", "e-derna", N_NESTED),
    S("bayda-l11", "location", "البيضاء", 1, "city", "e-bayda", N_NESTED),
    # line 13
    S("pc-l13", "actor", "المجلس الرئاسي", 0, "government", "e-presidential-council"),
    S("gna-l13a", "actor", "حكومة الوفاق الوطني", 0, "government", "e-gna"),
    S("skhirat-l13", "location", "الصخيرات", 0, "city", "e-skhirat", N_SKHIRAT),
    S("claim-pc-statement", "claim", "تحرير منطقة الفتايح وطرد فلول داعش من المدينة نهائياً",
      0, "statement"),
    S("fatayih", "location", "الفتايح", 0, "region", "e-fatayih"),
    S("isis-daesh", "actor", "داعش", 0, "armed group", "e-isis"),
    S("derna-l13", "location", "المدينة", 0, "city", "e-derna", N_DERNA),
    S("claim-pc-call", "claim",
      "توحيد الصف تحت مظلة حكومة الوفاق لاستئصال التنظيم من كافة التراب الليبي", 0, "other",
      note="appeal (داعياً كافة الليبيين إلى ...)"),
    S("gna-l13b", "actor", "حكومة الوفاق", 2, "government", "e-gna"),
    S("isis-l13", "actor", "التنظيم", 2, "armed group", "e-isis"),
    # line 15
    S("ifta", "actor", "دار الإفتاء الليبية", 0, "organization", "e-dar-al-ifta"),
    S("claim-ifta", "claim",
      "الانتصار على من وصفتهم بالجماعات المارقة درسا بأن الليبيين قادرون على محاربة التنظيم"
      " “دون تدخل أجنبي", 0, "assessment",
      note="only «دون تدخل أجنبي» is quoted in the text; span ends before the closing quote mark"),
    S("isis-l15", "actor", "التنظيم", 3, "armed group", "e-isis"),
    # line 17 (subhead) and 18
    S("haftar-l17", "actor", "حفتر", 0, "person", "e-haftar"),
    S("karama", "actor", "قوات عملية الكرامة", 0, "armed group", "e-karama"),
    S("haftar-l18", "actor", "خليفة حفتر", 0, "person", "e-haftar"),
    S("ainmara", "location", "عين مارة", 0, "region", "e-ain-mara"),
    S("derna-l18a", "location", "درنة", 8, "city", "e-derna"),
    S("dmsc-l18", "actor", "مجلس شورى درنة", 1, "armed group", "e-dmsc"),
    S("derna-l18b", "location", "درنة", 9, "city", "e-derna", N_NESTED),
    S("isis-l18", "actor", "التنظيم", 4, "armed group", "e-isis"),
    S("hila", "location", "الحيلة", 0, "region", "e-hila"),
    S("coal-l18", "actor", "الائتلاف", 0, "armed group", "e-coalition",
      "«الائتلاف» refers back to the Derna–Bayda coalition"),
    # line 20
    S("dmsc-l20", "actor", "مجلس شورى مجاهدي درنة", 1, "armed group", "e-dmsc"),
    S("derna-l20a", "location", "درنة", 10, "city", "e-derna", N_NESTED),
    S("mansouri", "actor", "محمد إدريس المنصوري", 0, "person", "e-mansouri"),
    S("claim-mansouri", "claim",
      "غياب حاضنة اجتماعية للتنظيم في درنة ساعد على هزيمته دون دخول المدينة في أتون الحرب،"
      " حيث خرج الأهالي احتفالاً بهزيمة التنظيم هناك", 0, "assessment"),
    S("isis-l20a", "actor", "لتنظيم", 1, "armed group", "e-isis", N_LTANZIM, ctx="للتنظيم"),
    S("derna-l20b", "location", "درنة", 11, "city", "e-derna"),
    S("derna-l20c", "location", "المدينة", 1, "city", "e-derna", N_DERNA),
    S("isis-l20b", "actor", "التنظيم", 5, "armed group", "e-isis"),
    # line 22
    S("hasi", "actor", "شكري الحاسي", 0, "person", "e-hasi"),
    S("claim-hasi", "claim",
      "انسحاب عناصر التنظيم سيرجح كفة مقاتلي مجلس شورى المجاهدين أمام قوات حفتر المتمركزة في"
      " محيط المدينة، وسيتفرغ مقاتلو مجلس الشورى للتصدي للهجمات المباغتة التي تشنهها قوات حفتر"
      " على المدينة بين الفينة والأخرى", 0, "assessment"),
    S("isis-l22", "actor", "التنظيم", 6, "armed group", "e-isis"),
    S("dmsc-l22a", "actor", "مجلس شورى المجاهدين", 0, "armed group", "e-dmsc"),
    S("hforces-l22a", "actor", "قوات حفتر", 0, "armed group", "e-karama"),
    S("haftar-l22a", "actor", "حفتر", 2, "person", "e-haftar"),
    S("derna-l22a", "location", "المدينة", 2, "city", "e-derna", N_DERNA),
    S("dmsc-l22b", "actor", "مجلس الشورى", 0, "armed group", "e-dmsc"),
    S("hforces-l22b", "actor", "قوات حفتر", 1, "armed group", "e-karama"),
    S("haftar-l22b", "actor", "حفتر", 3, "person", "e-haftar"),
    S("derna-l22b", "location", "المدينة", 3, "city", "e-derna", N_DERNA),
    # line 24 (subhead) and 25
    S("gna-l24", "actor", "حكومة الوفاق", 3, "government", "e-gna"),
    S("isis-l25a", "actor", "التنظيم", 7, "armed group", "e-isis"),
    S("derna-l25", "location", "درنة", 12, "city", "e-derna"),
    S("libya-l25", "location", "ليبيا", 1, "country", "e-libya"),
    S("sirte-l25", "location", "سرت", 4, "city", "e-sirte"),
    S("gna-l25", "actor", "حكومة الوفاق الوطني", 1, "government", "e-gna"),
    S("coop-states", "actor", "الدول المتعاونة معها", 0, "state", None,
      "unnamed states cooperating with the GNA"),
    S("isis-l25b", "actor", "التنظيم", 8, "armed group", "e-isis"),
    # line 27
    S("maiteeq", "actor", "احمد معيتيق", 0, "person", "e-maiteeq"),
    S("pc-l27", "actor", "المجلس الرئاسي", 1, "government", "e-presidential-council"),
    S("gna-l27a", "actor", "حكومة الوفاق الوطني", 2, "government", "e-gna"),
    S("claim-maiteeq-1", "claim", "هناك تهديدات إرهابية في كثير من المدن الليبية", 0, "assessment"),
    S("claim-maiteeq-2", "claim", "التعويل يبقى على حكومة الوفاق للتصدي لتلك المخاطر", 0,
      "statement"),
    S("gna-l27b", "actor", "حكومة الوفاق", 6, "government", "e-gna"),
    # line 29
    S("hammond", "actor", "فيليب هاموند", 0, "person", "e-hammond"),
    S("tripoli-l29", "location", "طرابلس", 2, "city", "e-tripoli"),
    S("claim-hammond", "claim",
      "مستعدة لتقديم الدعم العسكري لحكومة الوفاق الوطني في حربها على تنظيم الدولة في معقله"
      " بمدينة سرت", 0, "promise", note="subject outside the quote: بلاده (Britain)"),
    S("gna-l29", "actor", "حكومة الوفاق الوطني", 3, "government", "e-gna"),
    S("isis-l29", "actor", "تنظيم الدولة", 2, "armed group", "e-isis"),
    S("sirte-l29", "location", "سرت", 5, "city", "e-sirte"),
    # line 31
    S("un", "actor", "الأمم المتحدة", 0, "organization", "e-un"),
    S("claim-un", "claim",
      "رفع حظر استيراد الأسلحة عن حكومة الوفاق المنبثقة عن اتفاق الصخيراتباعتبارها الممثل الشرعي"
      " الوحيد للشعب الليبي", 0, "promise"),
    S("gna-l31a", "actor", "حكومة الوفاق", 8, "government", "e-gna"),
    S("skhirat-l31", "location", "الصخيرات", 1, "city", "e-skhirat", N_SKHIRAT),
    S("eu-states", "actor", "دول أوروبية", 0, "state", None, "unnamed European states"),
    S("claim-eu", "claim", "مساعدة الحكومة عسكرياً في حربها على الإرهاب", 0, "promise",
      note="stated intention (عبرت ... عن نيتها)"),
    S("gna-l31b", "actor", "الحكومة", 0, "government", "e-gna", "«الحكومة» refers back to the GNA"),
    # byline and credit line
    S("author", "actor", "محمود عبدالواحد", 0, "person", "e-abdelwahed", "byline: author of the article"),
    S("aljazeera", "actor", "الجزيرة نت", 0, "organization", "e-aljazeera-net",
      "credit line: the outlet"),
]

# Relations as (kind, from span key, to span key).
A_RELATIONS = [
    # said_by: claim -> speaker
    ("said_by", "claim-council", "dmsc-l7"),
    ("said_by", "claim-sources", "sources"),
    ("said_by", "claim-pc-statement", "pc-l13"),
    ("said_by", "claim-pc-call", "pc-l13"),
    ("said_by", "claim-ifta", "ifta"),
    ("said_by", "claim-mansouri", "mansouri"),
    ("said_by", "claim-hasi", "hasi"),
    ("said_by", "claim-maiteeq-1", "maiteeq"),
    ("said_by", "claim-maiteeq-2", "maiteeq"),
    ("said_by", "claim-hammond", "hammond"),
    ("said_by", "claim-un", "un"),
    ("said_by", "claim-eu", "eu-states"),
    # about: claim -> actor/location mentioned inside it
    ("about", "claim-council", "derna-l7b"),
    ("about", "claim-council", "isis-l7a"),
    ("about", "claim-sources", "isis-l11a"),
    ("about", "claim-sources", "sirte-l11"),
    ("about", "claim-pc-statement", "fatayih"),
    ("about", "claim-pc-statement", "isis-daesh"),
    ("about", "claim-pc-call", "gna-l13b"),
    ("about", "claim-pc-call", "isis-l13"),
    ("about", "claim-ifta", "isis-l15"),
    ("about", "claim-mansouri", "isis-l20a"),
    ("about", "claim-mansouri", "derna-l20b"),
    ("about", "claim-hasi", "isis-l22"),
    ("about", "claim-hasi", "dmsc-l22a"),
    ("about", "claim-hasi", "hforces-l22a"),
    ("about", "claim-maiteeq-2", "gna-l27b"),
    ("about", "claim-hammond", "gna-l29"),
    ("about", "claim-hammond", "isis-l29"),
    ("about", "claim-hammond", "sirte-l29"),
    ("about", "claim-un", "gna-l31a"),
    ("about", "claim-eu", "gna-l31b"),
    # located_in: actor -> location, where the text places the actor
    ("located_in", "dmsc-l7", "derna-l7a"),          # name: ... مجاهدي درنة وضواحيها
    ("located_in", "isis-l7b", "sirte-l7"),          # التنظيم في معقله بمدينة سرت
    ("located_in", "coal-l9", "derna-l9a"),          # ائتلاف قوات من مدينتي درنة والبيضاء
    ("located_in", "coal-l9", "bayda-l9"),
    ("located_in", "dmsc-l9", "derna-l9b"),          # name: مجلس شورى درنة
    ("located_in", "isis-l11b", "sirte-l11"),        # سرت ... حيث أكبر معقل للتنظيم
    ("located_in", "coal-l11", "derna-l11b"),        # ائتلاف قوات درنة والبيضاء
    ("located_in", "coal-l11", "bayda-l11"),
    ("located_in", "karama", "ainmara"),             # بقيت قوات عملية الكرامة ... في منطقة عين مارة
    ("located_in", "dmsc-l18", "derna-l18b"),        # name: مجلس شورى درنة
    ("located_in", "isis-l18", "hila"),              # معاقل التنظيم في منطقة الحيلة
    ("located_in", "dmsc-l20", "derna-l20a"),        # name: مجلس شورى مجاهدي درنة
    ("located_in", "hforces-l22a", "derna-l22a"),    # قوات حفتر المتمركزة في محيط المدينة
    ("located_in", "hammond", "tripoli-l29"),        # أثناء زيارته إلى طرابلس
    ("located_in", "isis-l29", "sirte-l29"),         # تنظيم الدولة في معقله بمدينة سرت
]


def b_spans():
    """Annotator B: A's spans with B's independent choices applied."""
    drop = {"sarraj", "isis-l11a", "claim-sources"}
    out = []
    for s in A_SPANS:
        if s["key"] in drop:
            continue
        s = dict(s)
        if s["key"] == "sirte-l11":
            s.update(surface="مدينة سرت", occ=1)
        elif s["key"] == "claim-un":
            s.update(surface="برفع حظر استيراد الأسلحة عن حكومة الوفاق المنبثقة عن اتفاق الصخيرات",
                     occ=0)
        elif s["key"] == "claim-mansouri":
            s.update(kind="statement")
        elif s["key"] == "ifta":
            s.update(kind="government")
        out.append(s)
    out.append(S("isis-fighters-l11", "actor", "عناصر تنظيم الدولة الفارين من درنة", 0,
                 "armed group", "e-isis", "ISIS members who fled Derna"))
    out.append(S("turab", "location", "التراب الليبي", 0, "country", "e-libya"))
    return out


def b_relations(keys):
    rels = [r for r in A_RELATIONS if r[1] in keys and r[2] in keys]
    rels.append(("located_in", "isis-fighters-l11", "sirte-l11"))  # توجه ... إلى مدينة سرت
    return rels


# Each entry: (what, A span keys, B span keys, expected A ids, expected B ids,
# description).  Ids are resolved at run time and checked against the expected
# ones, and the whole A/B diff is checked against this list.
DISAGREEMENTS = [
    ("missed actor", ["sarraj"], [], ("a-s014",), (),
     "A annotates «فائز السراج» (inside the typo «برئاسةفائز»); B missed it"),
    ("location boundary with «مدينة»", ["sirte-l11"], ["sirte-l11"], ("a-s027",), ("b-s025",),
     "A «سرت», B «مدينة سرت» in «إلى مدينة سرت» (line 11)"),
    ("label (claim vs actor, overlapping)", ["claim-sources", "isis-l11a"], ["isis-fighters-l11"],
     ("a-s024", "a-s025"), ("b-s023",),
     "A: claim/statement «توجه عناصر تنظيم الدولة ... في شمال أفريقيا» said by «مصادر عسكرية» "
     "(plus actor «تنظيم الدولة»); B: no claim, actor «عناصر تنظيم الدولة الفارين من درنة» "
     "overlapping A's claim"),
    ("extra span in B", [], ["turab"], (), ("b-s043",),
     "B annotates «التراب الليبي» as location/country (e-libya); A does not"),
    ("claim boundary (crossing overlap)", ["claim-un"], ["claim-un"], ("a-s098",), ("b-s097",),
     "A «رفع ... للشعب الليبي»; B «برفع ... اتفاق الصخيرات» (starts one character earlier, "
     "stops before «باعتبارها ...»)"),
    ("attribute kind", ["claim-mansouri"], ["claim-mansouri"], ("a-s061",), ("b-s060",),
     "al-Mansouri's claim: A assessment, B statement"),
    ("attribute kind", ["ifta"], ["ifta"], ("a-s045",), ("b-s044",),
     "«دار الإفتاء الليبية»: A organization, B government"),
]
# Relation differences that follow from the span differences (checked too).
EXPECTED_REL_ONLY_A = ["a-r02", "a-r11", "a-r15", "a-r16", "a-r31", "a-r38"]
EXPECTED_REL_ONLY_B = ["b-r10", "b-r28", "b-r35", "b-r36"]

PUNCT_OK_CATEGORIES = ("L", "N")  # first char; the last char may also be a mark (M)


def locate(text, spec):
    needle = spec["ctx"] or spec["surface"]
    pos = -1
    for _ in range(spec["occ"] + 1):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise SystemExit(f"span {spec['key']}: occurrence {spec['occ']} of {needle!r} not found")
    if spec["ctx"]:
        inner = spec["ctx"].find(spec["surface"])
        assert inner >= 0, spec
        pos += inner
    start, end = pos, pos + len(spec["surface"])
    assert text[start:end] == spec["surface"], spec
    return start, end


def build_set(text, specs, rel_specs, prefix, annotator):
    located = []
    for s in specs:
        start, end = locate(text, s)
        located.append((start, end, s))
    keys = [s["key"] for _, _, s in located]
    assert len(keys) == len(set(keys)), "duplicate span keys"
    located.sort(key=lambda x: (x[0], x[1]))
    key2id, spans, key2span = {}, [], {}
    for n, (start, end, s) in enumerate(located, 1):
        sid = f"{prefix}-s{n:03d}"
        key2id[s["key"]] = sid
        span = {"id": sid, "start": start, "end": end, "label": s["label"],
                "text": text[start:end]}
        attrs = {"kind": s["kind"]} if s["kind"] else {}
        if attrs:
            span["attributes"] = dict(sorted(attrs.items()))
        if s["entity"]:
            span["entity"] = s["entity"]
        if s["note"]:
            span["note"] = s["note"]
        spans.append(span)
        key2span[s["key"]] = span
    spans.sort(key=lambda sp: (sp["start"], sp["end"], sp["id"]))
    kind_order = {r["id"]: i for i, r in enumerate(SCHEMA["relations"])}
    rels = sorted(rel_specs, key=lambda r: (kind_order[r[0]], key2span[r[1]]["start"],
                                            key2span[r[2]]["start"]))
    relations = [{"id": f"{prefix}-r{n:02d}", "kind": k, "from": key2id[f], "to": key2id[t]}
                 for n, (k, f, t) in enumerate(rels, 1)]
    return {"annotator": annotator, "document": DOC_ID, "spans": spans,
            "relations": relations}, key2id, key2span


def build_entities(spans):
    used = {}
    for sp in spans:
        if "entity" in sp:
            used.setdefault(sp["entity"], set()).add(sp["text"])
    out = []
    for eid in sorted(used):
        label, name, variants = ENTITIES[eid]
        ent = {"id": eid, "label": label, "name": name}
        aliases = [v for v in variants if v in used[eid]]
        if aliases:  # Hashiya omits an empty alias list
            ent["aliases"] = aliases
        out.append(ent)
    return out


def validate(project, text):
    errors = []
    labels = {l["id"]: l for l in project["schema"]["labels"]}
    allowed = {l["id"]: {a["name"]: set(a["values"]) for a in l["attributes"]}
               for l in project["schema"]["labels"]}
    rel_schema = {r["id"]: r for r in project["schema"]["relations"]}
    ents = {e["id"]: e for e in project["entities"]}
    if len(ents) != len(project["entities"]):
        errors.append("duplicate entity ids")
    doc = project["documents"][0]
    if doc["text"] != text or doc["text_sha256"] != hashlib.sha256(text.encode("utf-8")).hexdigest():
        errors.append("document text/hash mismatch")
    used_entities = set()
    for st in project["sets"]:
        spans = {}
        for sp in st["spans"]:
            sid = sp["id"]
            if sid in spans:
                errors.append(f"duplicate span id {sid}")
            spans[sid] = sp
            s, e, t = sp["start"], sp["end"], sp["text"]
            if not (0 <= s < e <= len(text)) or text[s:e] != t:
                errors.append(f"{sid}: offsets do not match text")
            first, last = t[0], t[-1]
            if (unicodedata.category(first)[0] not in PUNCT_OK_CATEGORIES
                    or unicodedata.category(last)[0] not in PUNCT_OK_CATEGORIES + ("M",)):
                errors.append(f"{sid}: leading/trailing whitespace or punctuation in {t!r}")
            if sp["label"] not in labels:
                errors.append(f"{sid}: unknown label")
            attrs = sp.get("attributes", {})
            if "kind" not in attrs:
                errors.append(f"{sid}: kind attribute missing")
            for k, v in attrs.items():
                if v not in allowed[sp["label"]].get(k, ()):
                    errors.append(f"{sid}: bad attribute {k}={v}")
            if list(attrs) != sorted(attrs):
                errors.append(f"{sid}: attribute keys not sorted")
            if "entity" in sp:
                ent = ents.get(sp["entity"])
                used_entities.add(sp["entity"])
                if ent is None:
                    errors.append(f"{sid}: unknown entity {sp['entity']}")
                elif ent["label"] != sp["label"]:
                    errors.append(f"{sid}: entity label {ent['label']} != span label {sp['label']}")
                elif t != ent["name"] and t not in ent.get("aliases", []) and "note" not in sp:
                    errors.append(f"{sid}: {t!r} is neither name nor alias of {ent['id']} (no note)")
        order = [(sp["start"], sp["end"], sp["id"]) for sp in st["spans"]]
        if order != sorted(order):
            errors.append("spans not sorted")
        rel_ids = [r["id"] for r in st["relations"]]
        if len(rel_ids) != len(set(rel_ids)) or rel_ids != sorted(rel_ids):
            errors.append("relation ids not unique/sorted")
        said = {}
        for r in st["relations"]:
            rs = rel_schema.get(r["kind"])
            a, b = spans.get(r["from"]), spans.get(r["to"])
            if rs is None or a is None or b is None:
                errors.append(f"{r['id']}: bad kind or dangling endpoint")
                continue
            if a["label"] not in rs["from"] or b["label"] not in rs["to"]:
                errors.append(f"{r['id']}: {a['label']} -> {b['label']} not allowed for {r['kind']}")
            if r["kind"] == "said_by":
                said[r["from"]] = said.get(r["from"], 0) + 1
            if r["kind"] == "about" and not (a["start"] <= b["start"] and b["end"] <= a["end"]):
                errors.append(f"{r['id']}: about-target outside its claim")
        for sp in st["spans"]:
            if sp["label"] == "claim" and said.get(sp["id"]) != 1:
                errors.append(f"{sp['id']}: claim without exactly one said_by")
    if used_entities != set(ents):
        errors.append(f"entities unused/missing: {sorted(used_entities ^ set(ents))}")
    return errors


def project(name, text, title, set_):
    return {
        "format": "hashiya-project",
        "version": 1,
        "name": name,
        "schema": SCHEMA,
        "documents": [{
            "id": DOC_ID,
            "title": title,
            "source": {"outlet": "Al Jazeera Net"},
            "text": text,
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }],
        "entities": build_entities(set_["spans"]),
        "sets": [set_],
    }


def diff_sets(a_set, b_set):
    """All span and relation differences between the two sets."""
    def sig(sp):
        return (sp["start"], sp["end"], sp["label"])
    a_by, b_by = {sig(s): s for s in a_set["spans"]}, {sig(s): s for s in b_set["spans"]}
    only_a = {a_by[k]["id"] for k in a_by.keys() - b_by.keys()}
    only_b = {b_by[k]["id"] for k in b_by.keys() - a_by.keys()}
    changed = set()
    for k in a_by.keys() & b_by.keys():
        a, b = a_by[k], b_by[k]
        if (a.get("attributes"), a.get("entity")) != (b.get("attributes"), b.get("entity")):
            changed.add((a["id"], b["id"]))

    def rsig(st):
        by = {s["id"]: sig(s) for s in st["spans"]}
        return {(r["kind"], by[r["from"]], by[r["to"]]): r["id"] for r in st["relations"]}
    ra, rb = rsig(a_set), rsig(b_set)
    rel_only_a = sorted(ra[k] for k in ra.keys() - rb.keys())
    rel_only_b = sorted(rb[k] for k in rb.keys() - ra.keys())
    return only_a, only_b, changed, rel_only_a, rel_only_b


def report(proj):
    st = proj["sets"][0]
    by_label, by_kind = {}, {}
    for sp in st["spans"]:
        by_label[sp["label"]] = by_label.get(sp["label"], 0) + 1
    for r in st["relations"]:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + 1
    print(f"  {proj['name']}")
    print(f"    spans {len(st['spans'])}: "
          + ", ".join(f"{l['id']} {by_label.get(l['id'], 0)}" for l in SCHEMA["labels"]))
    print(f"    relations {len(st['relations'])}: "
          + ", ".join(f"{r['id']} {by_kind.get(r['id'], 0)}" for r in SCHEMA["relations"]))
    print(f"    entities {len(proj['entities'])}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("seed", nargs="?",
                    default=os.path.join(root, "tests", "fixtures", "derna-sirte.txt"),
                    help="the article's text (default: tests/fixtures/derna-sirte.txt)")
    ap.add_argument("--review", action="store_true", help="print every span with its context")
    args = ap.parse_args()
    with open(args.seed, encoding="utf-8", newline="") as f:
        text = f.read()
    title = text.split("\n", 1)[0]

    a_set, a_ids, a_spans = build_set(text, A_SPANS, A_RELATIONS, "a", "annotator-a")
    bs = b_spans()
    b_set, b_ids, b_sp = build_set(text, bs, b_relations({s["key"] for s in bs}), "b", "annotator-b")
    pa = project("Derna and Sirte (Al Jazeera Net)", text, title, a_set)
    pb = project("Derna and Sirte (Al Jazeera Net) — annotator B", text, title, b_set)

    errors = validate(pa, text) + validate(pb, text)

    # The A/B differences must be exactly the intended ones.
    only_a, only_b, changed, rel_a, rel_b = diff_sets(a_set, b_set)
    exp_a, exp_b, exp_changed = set(), set(), set()
    for what, ak, bk, want_a, want_b, _ in DISAGREEMENTS:
        got_a, got_b = tuple(a_ids[k] for k in ak), tuple(b_ids[k] for k in bk)
        if (got_a, got_b) != (want_a, want_b):
            errors.append(f"disagreement {what!r}: ids are {got_a} {got_b}, listed {want_a} {want_b}")
        if what.startswith("attribute"):
            exp_changed |= {(a_ids[k], b_ids[k]) for k in ak}
        else:
            exp_a |= {a_ids[k] for k in ak}
            exp_b |= {b_ids[k] for k in bk}
    if (only_a, only_b, changed) != (exp_a, exp_b, exp_changed):
        errors.append(f"unintended A/B differences: A-only {sorted(only_a - exp_a)} "
                      f"B-only {sorted(only_b - exp_b)} changed {sorted(changed ^ exp_changed)} "
                      f"missing {sorted((exp_a - only_a) | (exp_b - only_b))}")
    if (rel_a, rel_b) != (EXPECTED_REL_ONLY_A, EXPECTED_REL_ONLY_B):
        errors.append(f"relation differences changed: {rel_a} {rel_b}")

    if args.review:
        for st in (a_set, b_set):
            for sp in st["spans"]:
                s, e = sp["start"], sp["end"]
                ctx = (text[max(0, s - 12):s] + "[" + sp["text"] + "]" + text[e:e + 12]).replace("\n", "⏎")
                print(f"{sp['id']} {s:4d}-{e:4d} {sp['label']:8s} {sp['attributes']['kind']:12s} "
                      f"{sp.get('entity', '-'):22s} {ctx}")
            ids = {sp["id"]: sp for sp in st["spans"]}
            for r in st["relations"]:
                print(f"{r['id']} {r['kind']:10s} {r['from']} {ids[r['from']]['text'][:30]!r} -> "
                      f"{r['to']} {ids[r['to']]['text']!r}")

    print(f"seed: {args.seed} ({len(text)} code points, sha256 "
          f"{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}…)")
    print("counts:")
    report(pa)
    report(pb)
    print("intended A-vs-B disagreements:")
    for n, (what, ak, bk, _, _, desc) in enumerate(DISAGREEMENTS, 1):
        a_str = ", ".join(f"{a_ids[k]} «{a_spans[k]['text']}»" if len(a_spans[k]['text']) < 40
                          else f"{a_ids[k]} (claim)" for k in ak) or "—"
        b_str = ", ".join(f"{b_ids[k]} «{b_sp[k]['text']}»" if len(b_sp[k]['text']) < 40
                          else f"{b_ids[k]} (claim)" for k in bk) or "—"
        print(f"  {n}. {what}: A {a_str} | B {b_str}\n     {desc}")
    print(f"  relations only in A: {', '.join(rel_a)}")
    print(f"  relations only in B: {', '.join(rel_b)}")
    print("  (relation differences follow from the span differences above)")

    if errors:
        print("ERRORS:", *errors, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    out_dir = os.path.join(root, "projects")
    os.makedirs(out_dir, exist_ok=True)
    for fname, proj in (("derna-sirte.json", pa), ("derna-sirte.annotator-b.json", pb)):
        path = os.path.join(out_dir, fname)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(proj, ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {os.path.relpath(path, root)}")


if __name__ == "__main__":
    main()
