#!/usr/bin/env python3
"""A corpus made from imported texts, for `hashiya suggest --evaluate` (issue #16).

The sample article's paragraphs are written as a CSV (one row per paragraph), imported
with `hashiya import --format csv` into a copy of the sample project (so the schema and
entity registry are the sample's), the original document is dropped, and both sample
annotators' spans are carried over to the imported documents (spans that cross a
paragraph are dropped). Writes corpus.json in the current folder; then run
`hashiya suggest corpus.json --evaluate`.

Usage: tools/make_paragraph_corpus.py [path/to/hashiya]
"""
import json, csv, subprocess, sys, copy
import os
HERE=os.path.dirname(os.path.abspath(__file__)); ROOT=os.path.dirname(HERE)
B=sys.argv[1] if len(sys.argv)>1 else os.path.join(ROOT,'target/release/hashiya')
S=os.path.join(ROOT,'projects/derna-sirte.json')
p=json.load(open(S))
doc=p['documents'][0]; text=doc['text']
paras=[]; pos=0
for line in text.split('\n'):
    if line.strip(): paras.append((pos,line))
    pos+=len(line)+1
with open('paras.csv','w',newline='') as f:
    w=csv.writer(f); w.writerow(['id','text'])
    for i,(s,l) in enumerate(paras): w.writerow([f'p{i:02d}',l])
q=copy.deepcopy(p); json.dump(q,open('corpus.json','w'),ensure_ascii=False)
r=subprocess.run([B,'import','--format','csv','--text-column','text','--id-column','id','--into','corpus.json','paras.csv'],capture_output=True,text=True)
print(r.returncode, r.stdout[-300:], r.stderr[-300:])
q=json.load(open('corpus.json'))
old=doc['id']
q['documents']=[d for d in q['documents'] if d['id']!=old]
sets=[s for s in p['sets'] if s['document']==old]
ids={d['id']:d for d in q['documents']}
new=[]
# annotator-b from the second sample file, if present
try:
    pb=json.load(open(os.path.join(ROOT,'projects/derna-sirte.annotator-b.json')))
    sets+= [s for s in pb['sets'] if s['document']==old]
except Exception as e: print('no b', e)
kept=dropped=0
for s in sets:
    for i,(st,l) in enumerate(paras):
        d=ids.get(f'p{i:02d}')
        if d is None: continue
        off=d['text'].find(l) if d['text']!=l else 0
        assert off>=0
        spans=[]
        for sp in s['spans']:
            if sp['start']>=st and sp['end']<=st+len(l):
                x=dict(sp); x['start']=sp['start']-st+off; x['end']=sp['end']-st+off
                assert d['text'][x['start']:x['end']]==sp['text'] if 'text' in sp else True
                spans.append(x); kept+=1
        ns={k:v for k,v in s.items() if k not in ('spans','relations')}
        ns['document']=d['id']; ns['spans']=spans; ns['relations']=[]
        new.append(ns)
q['sets']=[x for x in q['sets'] if x['document']!=old]+new
print('documents',len(q['documents']),'sets',len(new),'spans kept',kept)
json.dump(q,open('corpus.json','w'),ensure_ascii=False,indent=1)
