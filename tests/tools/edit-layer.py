#!/usr/bin/env python3
"""edit-layer.py MODE WHAT FILE — change an incidents layer the way an editor
saves it, for the live preview tests (tests/cli/watch.sh, tests/browser/serve.test.js,
bench/live).

MODE: in-place (truncate and write the same file, as nano or sed -i on some
systems), rename (write FILE.new and rename it over FILE, as vim and VS Code),
or stage (write FILE.new only: the caller renames it, timing the save).
WHAT: add (an item 'live-test-drill', named "Live test drill"), rename (its
name becomes "Live drill, renamed"), fix (a valid file again, the item named
"Live drill, fixed"), break (a JSON syntax error in the middle of the file),
remove (the item goes), or name=TEXT (the item, added if missing, is named TEXT),
or name=TEXT@LON,LAT (the same, moved to LON, LAT); for the edit-stability
tests (tests/cli/label_modes.sh, keep_labels.sh) and bench/stability,
added=LON,LAT (an incident 'added-one', "Added incident", at LON, LAT, of no
country) and drop-first (the layer's first item goes).
"""
import copy
import json
import os
import sys

mode, what, path = sys.argv[1:4]
with open(path, encoding='utf-8') as f:
    text = f.read()
try:
    data = json.loads(text)
except ValueError:  # a broken file: start again from its backup
    with open(path + '.orig', encoding='utf-8') as f:
        data = json.load(f)
if not os.path.exists(path + '.orig'):
    with open(path + '.orig', 'w', encoding='utf-8') as f:
        f.write(text)

features = [f for f in data['features'] if f['properties']['id'] != 'live-test-drill']


def with_item(name, at=(69.0, 38.6)):
    item = copy.deepcopy(features[0])  # its sources and quotes stay valid
    item['properties'].update(id='live-test-drill', name=name, precision='city', country='TJK')
    item['geometry'] = {'type': 'Point', 'coordinates': list(at)}
    return features + [item]


names = {'add': 'Live test drill', 'rename': 'Live drill, renamed', 'fix': 'Live drill, fixed'}
if what in names:
    data['features'] = with_item(names[what])
elif what.startswith('name=') and '@' in what:
    name, at = what[5:].rsplit('@', 1)
    data['features'] = with_item(name, tuple(float(v) for v in at.split(',')))
elif what.startswith('name='):
    data['features'] = with_item(what[5:])
elif what == 'remove':
    data['features'] = features
elif what.startswith('added='):
    item = copy.deepcopy(features[0])
    item['properties'].update(id='added-one', name='Added incident', precision='site')
    item['properties'].pop('country', None)
    item['geometry'] = {'type': 'Point', 'coordinates': [float(v) for v in what[6:].split(',')]}
    data['features'] = features + [item]
elif what == 'drop-first':
    data['features'] = features[1:]
out = json.dumps(data, indent=1, ensure_ascii=False) + '\n'
if what == 'break':
    lines = out.split('\n')
    lines[len(lines) // 2] += ' oops'
    out = '\n'.join(lines)
if mode == 'stage':
    with open(path + '.new', 'w', encoding='utf-8') as f:
        f.write(out)
elif mode == 'rename':
    with open(path + '.new', 'w', encoding='utf-8') as f:
        f.write(out)
    os.rename(path + '.new', path)
else:
    with open(path, 'w', encoding='utf-8') as f:
        f.write(out)
