import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from '@jest/globals';
import { type KeyMaterial } from '../../src/core/keyDifference.js';
import { explainDifference, firstRunExplanation, type NearestResult } from '../../src/core/missExplanation.js';
import { type InputReport, type OutputReport, type RestoredFrom, type StepReport } from '../../src/core/stepReport.js';
import { formatCount } from '../../src/report/markdownText.js';
import { defaultBudgetBytes, minimumBudgetBytes, renderSummary } from '../../src/report/summaryMarkdown.js';

const key = 'c0ffee'.padEnd(64, '0');

function baseReport(overrides: Partial<StepReport> = {}): StepReport {
  return {
    status: 'miss',
    reason: 'no saved result for this key in scopes pr-42, trusted',
    key,
    scope: 'pr-42',
    read_scopes: ['pr-42', 'trusted'],
    restored_scope: null,
    remote: 's3://bucket/cache',
    command: ['python train.py --epochs 3', 'python evaluate.py'],
    ran: true,
    exit_code: 0,
    save: 'saved into scope "pr-42"',
    inputs: [],
    outputs: [],
    durations_ms: { hash: 250, restore: 1500, run: 125_000, save: 3200 },
    warnings: [],
    damaged_objects: [],
    restored_from: null,
    explanation: null,
    ...overrides,
  };
}

/** An input whose digests are computed here, independently of the code under test. */
function inputFromContent(path: string, content: string): InputReport {
  const digest = (algorithm: string): string => createHash(algorithm).update(content).digest('hex');
  return { path, size: Buffer.byteLength(content), md5: digest('md5'), sha1: digest('sha1'), sha256: digest('sha256') };
}

/** Cheap synthetic inputs for the scale tests: distinct, well-formed hex digests. */
function syntheticInputs(count: number, directoryOf: (index: number) => string): InputReport[] {
  const inputs: InputReport[] = [];
  for (let index = 0; index < count; index += 1) {
    const hex = index.toString(16).padStart(8, '0');
    inputs.push({ path: `${directoryOf(index)}/file-${String(index).padStart(6, '0')}.txt`, size: 1024, md5: hex.repeat(4), sha1: hex.repeat(5), sha256: hex.repeat(8) });
  }
  return inputs;
}

/** The data rows of the Markdown table whose header row starts with `headerStart`. */
function tableRows(markdown: string, headerStart: string): string[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) => line.startsWith(headerStart));
  assert.notEqual(header, -1, `no table starting with ${headerStart}`);
  const rows: string[] = [];
  for (let index = header + 2; index < lines.length && lines[index]!.startsWith('|'); index += 1) rows.push(lines[index]!);
  return rows;
}

/** The cells of a table row, split only where GitHub would split it: at unescaped pipes. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
}

/**
 * Always with a message: a failed `assert.ok` without one makes Node re-read and parse the test
 * source to describe the expression, which under tsx can take minutes.
 */
function assertIncludes(markdown: string, expected: string): void {
  assert.ok(markdown.includes(expected), `the summary does not contain: ${expected}`);
}

function bytesOf(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const now = Date.parse('2026-11-22T13:00:00Z');
const commit = '0123456789abcdef0123456789abcdef01234567';
const runLink = 'https://github.com/octo/pipeline/actions/runs/42/attempts/1';
const earlier: NearestResult = { output: 'model', scope: 'trusted', key: 'e'.repeat(64), tree: 'f'.repeat(64), manifest: 's3://bucket/cache/m.json', created: '2026-11-22T10:00:00Z', commit, run: runLink, repository: 'octo/pipeline', duration_ms: 125_000 };
const material: KeyMaterial = { script: ['python train.py --epochs 10'], deps: [['data/a.txt', 'a'.repeat(64)]], env: [['SEED', 'b'.repeat(64)]], extra: '', outputs: ['model'] };

/** The heading line of a section: its first line. */
function heading(markdown: string): string {
  return markdown.split('\n')[0]!;
}

describe('the one-line verdict', () => {
  const hit = { status: 'hit', restored_scope: 'trusted', ran: false, exit_code: null, save: 'not needed: restored', reason: 'restored from scope "trusted" of s3://bucket/cache' } satisfies Partial<StepReport>;
  const from: RestoredFrom = { scope: 'trusted', commit, ref: 'refs/heads/main', run: runLink, repository: 'octo/pipeline', created: '2026-11-22T10:00:00Z', duration_ms: 125_000 };

  test('a hit leads with the time saved: the recorded run time less this restore', () => {
    const markdown = renderSummary(baseReport({ ...hit, restored_from: from }), { nowMs: now });
    assert.equal(heading(markdown), '### ♻️ stoat: python train.py --epochs 3 — saved 2 min 3 s: restored in 1.8 s, the command ran in 2 min 5 s');
    assertIncludes(markdown, `Restored from [\`0123456\`](https://github.com/octo/pipeline/commit/${commit}) · [run 42](${runLink}) · 3 h ago · scope \`trusted\``);
    assert.match(markdown, /\*\*Time:\*\* hash 250 ms · restore 1\.5 s\n/);
    assert.doesNotMatch(markdown, /Why it/);
  });

  test('a hit whose result did not time its command says how long the restore took', () => {
    const markdown = renderSummary(baseReport({ ...hit, restored_from: { ...from, duration_ms: null } }), { nowMs: now });
    assert.match(heading(markdown), /— restored in 1\.8 s \(the saved result did not record how long its command ran\)$/);
    const slower = renderSummary(baseReport({ ...hit, restored_from: { ...from, duration_ms: 500 } }), { nowMs: now });
    assert.match(heading(slower), /— restored in 1\.8 s, no time saved: the command ran in 500 ms$/);
  });

  test('a miss that ran leads with the explanation\'s first clause and the run time, then lists why', () => {
    const explanation = explainDifference(material, { ...material, script: ['python train.py --epochs 20'], env: [['SEED', 'c'.repeat(64)]] }, earlier, []);
    const markdown = renderSummary(baseReport({ explanation }), { nowMs: now });
    assert.equal(heading(markdown), '### ▶️ stoat: python train.py --epochs 3 — ran in 2 min 5 s: line 1 of the command changed');
    assert.match(markdown, /\*\*Why it ran:\*\*\n\n- command line 1: <code>--epochs 10<\/code> → <code>--epochs 20<\/code>\n- env `SEED` changed value\n- compared with the nearest earlier result: \[`0123456`\]/);
    assert.match(markdown, /\*\*Save:\*\* saved into scope "pr-42"/);
    assert.match(markdown, /\*\*Lookup:\*\* no saved result for this key in scopes pr-42, trusted/);
    assert.match(markdown, /hash 250 ms · restore 1\.5 s · run 2 min 5 s · save 3\.2 s/);
  });

  test('a first run says so, naming the outputs', () => {
    const markdown = renderSummary(baseReport({ explanation: firstRunExplanation(['model'], ['pr-42', 'trusted']) }), { nowMs: now });
    assert.equal(heading(markdown), '### ▶️ stoat: python train.py --epochs 3 — ran in 2 min 5 s: first run of this step: nothing saved for &#96;model&#96; yet (in scopes pr-42, trusted)');
    assertIncludes(markdown, '- first run of this step: nothing saved for &#96;model&#96; yet (in scopes pr-42, trusted)');
  });

  test('a command that failed is called out with its exit code', () => {
    const markdown = renderSummary(baseReport({ exit_code: 3, save: 'skipped: the command failed with exit code 3' }));
    assert.match(heading(markdown), /^### ❌ stoat: .* — failed with exit code 3 after 2 min 5 s: no saved result/);
    assert.match(markdown, /skipped: the command failed with exit code 3/);
  });

  test('an error in a restore-only step says nothing was restored', () => {
    const markdown = renderSummary(baseReport({ status: 'error', ran: false, exit_code: null, save: 'not attempted', reason: 'the remote failed while restoring: timeout' }));
    assert.match(heading(markdown), /^### ⚠️ stoat: .* — cache error, nothing restored: the remote failed while restoring: timeout$/);
    assert.match(markdown, /\*\*Reason:\*\* the remote failed while restoring: timeout/);
  });

  test('a miss in a restore-only step says the workflow runs the command, and why it missed', () => {
    const markdown = renderSummary(baseReport({ ran: false, exit_code: null, save: 'not attempted', explanation: firstRunExplanation(['model'], ['pr-42']) }));
    assert.match(heading(markdown), /^### 🔍 stoat: .* — missed, the workflow runs the command: first run of this step/);
    assert.match(markdown, /\*\*Why it missed:\*\*/);
    assert.doesNotMatch(markdown, /run \d/);
  });

  test('an error is flagged with its reason, and the warnings are listed', () => {
    const reason = 'the remote failed while restoring: connect ECONNREFUSED 127.0.0.1:9';
    const markdown = renderSummary(baseReport({ status: 'error', reason, save: 'saved into scope "pr-42"', warnings: [reason, 'manifest x.json is unusable: bad sha256'] }));
    assert.match(heading(markdown), /^### ⚠️ stoat: .* — cache error, ran as on a miss in 2 min 5 s: the remote failed/);
    assertIncludes(markdown, `**Reason:** ${reason}`);
    assert.match(markdown, /\*\*Warnings\*\*\n\n- ⚠️ the remote failed while restoring: connect ECONNREFUSED 127\.0\.0\.1:9\n- ⚠️ manifest x\.json is unusable: bad sha256\n/);
  });

  test('no warnings, no warnings heading', () => {
    assert.doesNotMatch(renderSummary(baseReport()), /Warnings/);
  });

  test('every verdict names the remote used, not only a hit', () => {
    for (const status of ['miss', 'error'] as const) {
      assertIncludes(renderSummary(baseReport({ status })), '- **Remote:** `s3://bucket/cache`\n');
    }
  });

  test('a save on its own says what it saved, with its time, not that nothing was restored', () => {
    const saveOnly = { reason: '', ran: false, exit_code: null, durations_ms: { hash: 250, restore: 0, run: 0, save: 3200 } } satisfies Partial<StepReport>;
    const saved: OutputReport = { path: 'out', status: 'saved', tree: 'ab'.repeat(32), files: 1, bytes: 2048, transferred_bytes: 1024, manifest: 'm.json' };
    const markdown = renderSummary(baseReport({ ...saveOnly, outputs: [saved] }));
    assert.match(heading(markdown), /^### 💾 stoat: .* — saved 1 output \(2\.00 KiB, 1\.00 KiB sent\) in 3\.2 s$/);
    assert.match(markdown, /\*\*Time:\*\* hash 250 ms · save 3\.2 s\n/);
    assert.match(markdown, /Input-hash report/);
    assert.doesNotMatch(markdown, /Nothing was restored|Lookup/);
    const skipped = renderSummary(baseReport({ ...saveOnly, save: 'skipped: save is "never"', outputs: [{ ...saved, status: 'not-saved' }] }));
    assert.match(heading(skipped), /^### ⏭️ stoat: .* — nothing saved: skipped: save is "never"$/);
    const failed = renderSummary(baseReport({ ...saveOnly, status: 'error', save: 'failed: HTTP 500', outputs: [{ ...saved, status: 'not-saved' }] }));
    assert.match(heading(failed), /^### ⚠️ stoat: .* — the save failed: HTTP 500$/);
  });

  test('command mode\'s post step says what it saved and leaves the input-hash report to main\'s section', () => {
    const saved: OutputReport = { path: 'model', status: 'saved', tree: 'ab'.repeat(32), files: 3, bytes: 4096, transferred_bytes: 4096, manifest: 's3://bucket/cache/m.json' };
    const post = baseReport({ ran: false, exit_code: null, inputs: [inputFromContent('a.txt', 'a')], outputs: [saved], explanation: firstRunExplanation(['model'], ['pr-42']) });
    const markdown = renderSummary(post, { title: 'python train.py (save)' });
    assert.equal(heading(markdown), '### 💾 stoat: python train.py (save) — saved 1 output (4.00 KiB, 4.00 KiB sent) in 3.2 s');
    assert.match(markdown, /save 3\.2 s/);
    assert.doesNotMatch(markdown, /Nothing was restored|did not run|Input-hash report|Why it/);
  });

  test('the command key, the scope written and the scopes read are shown in the details', () => {
    const markdown = renderSummary(baseReport());
    assertIncludes(markdown, `**Command key:** \`${key}\``);
    assertIncludes(markdown, '**Scope written:** `pr-42` · **scopes read:** `pr-42`, `trusted`');
    assert.ok(markdown.indexOf('<details><summary>Key, scopes') < markdown.indexOf('**Command key:**'), 'the key is collapsed');
  });
});

describe('the heading', () => {
  test('names the step by its first command line, shortened to 80 characters', () => {
    const long = `python ${'very-long-argument '.repeat(10)}`;
    const line = heading(renderSummary(baseReport({ command: [long, 'second line'] })));
    assert.ok(line.startsWith('### ▶️ stoat: python very-long-argument'), line);
    const title = line.slice('### ▶️ stoat: '.length).split(' — ')[0]!;
    assert.equal(Array.from(title).length, 80);
    assert.ok(title.endsWith('…'), title);
    assert.doesNotMatch(line, /second line/);
  });

  test('a given title is used, escaped', () => {
    const line = heading(renderSummary(baseReport(), { title: 'train <b>model</b> | `fast`' }));
    assert.ok(line.startsWith('### ▶️ stoat: train &lt;b&gt;model&lt;/b&gt; &#124; &#96;fast&#96; — ran in'), line);
  });

  test('a trailing # is kept, not taken for the heading\'s closing sequence', () => {
    const line = heading(renderSummary(baseReport({ status: 'error', reason: 'failed at step #' })));
    assert.ok(line.endsWith('failed at step &#35;'), line);
  });
});

describe('the outputs table', () => {
  const tree = 'ab'.repeat(32);
  const outputs: OutputReport[] = [
    { path: 'training/model-best', status: 'saved', tree, files: 1234, bytes: 5 * 1024 * 1024, transferred_bytes: 2 * 1024 * 1024, manifest: `stoat/v1/outputs/training%2Fmodel-best/${key}/pr-42/${tree}.json` },
    { path: 'metrics.json', status: 'already-saved', tree: 'cd'.repeat(32), files: 1, bytes: 812, transferred_bytes: 0, manifest: 'm.json' },
    { path: 'plots', status: 'not-saved', tree: null, files: 0, bytes: 0, transferred_bytes: 0, manifest: null },
  ];

  test('has a row per output with status, counts, sizes and a short tree hash; the manifests are in the details', () => {
    const markdown = renderSummary(baseReport({ outputs }));
    const rows = tableRows(markdown, '| output |').map(cells);
    assert.deepEqual(rows[0], ['`training/model-best`', 'saved', '1,234', '5.00 MiB', '2.00 MiB', '`abababababab`']);
    assert.deepEqual(rows[1], ['`metrics.json`', 'already saved', '1', '812 B', '0 B', '`cdcdcdcdcdcd`']);
    assert.deepEqual(rows[2], ['`plots`', 'not saved', '—', '—', '—', '—']);
    assert.equal(rows.length, 3);
    const details = markdown.slice(markdown.indexOf('<details><summary>Key, scopes'));
    assertIncludes(details, `- **Manifest of** \`training/model-best\`: \`${outputs[0]!.manifest}\`, tree \`${tree}\``);
    assertIncludes(details, `- **Manifest of** \`metrics.json\`: \`m.json\`, tree \`${'cd'.repeat(32)}\``);
    assert.doesNotMatch(details, /Manifest of\*\* `plots`/);
  });

  test('says so when a step declares none', () => {
    assert.match(renderSummary(baseReport()), /\*\*Outputs:\*\* none declared\./);
  });
});

describe('the input-hash report', () => {
  const inputs = [
    inputFromContent('corpus/train.jsonl', '{"text": "hello"}\n'.repeat(1000)),
    inputFromContent('config.cfg', '[training]\nseed = 0\n'),
    inputFromContent('données/日本語/🦫.txt', 'unicode path\n'),
  ];

  test('lists every input in order with its size and its full md5, sha1 and sha256, collapsed', () => {
    const markdown = renderSummary(baseReport({ inputs }));
    const totalBytes = inputs.reduce((sum, input) => sum + input.size, 0);
    assert.equal(totalBytes, 18_000 + 20 + 13);
    assert.match(markdown, /\n<details><summary>Input-hash report: 3 files, 17\.6 KiB<\/summary>\n\n\| path \| size \| md5 \| sha1 \| sha256 \|\n/);
    const rows = tableRows(markdown, '| path |').map(cells);
    assert.deepEqual(rows, [
      ['`corpus/train.jsonl`', '17.6 KiB', `\`${inputs[0]!.md5}\``, `\`${inputs[0]!.sha1}\``, `\`${inputs[0]!.sha256}\``],
      ['`config.cfg`', '20 B', `\`${inputs[1]!.md5}\``, `\`${inputs[1]!.sha1}\``, `\`${inputs[1]!.sha256}\``],
      ['<code>données/日本語/🦫.txt</code>', '13 B', `\`${inputs[2]!.md5}\``, `\`${inputs[2]!.sha1}\``, `\`${inputs[2]!.sha256}\``],
    ]);
    assert.ok(markdown.trimEnd().endsWith('</details>'), 'the section ends with </details>');
    assert.doesNotMatch(markdown, /Left out|top-level directory/);
  });

  test('an empty input list still gets its collapsed section', () => {
    assert.match(renderSummary(baseReport()), /<summary>Input-hash report: 0 files, 0 B<\/summary>\n\nNo input files\.\n\n<\/details>\n\n$/);
  });
});

describe('escaping', () => {
  const hostilePath = 'a|b<script>alert(1)</script>&`x`\n[link](http://e.com)*em*_u_$x$\\\u0007\u202egpj.exe';
  const hostile = baseReport({
    status: 'error',
    command: ['echo "<img src=x onerror=alert(1)>" | tee `out`\nrm -rf /'],
    reason: 'remote said <iframe>|</iframe>\r\nsecond line',
    remote: 'file:///tmp/a|b <x>',
    save: 'failed: `<b>`',
    warnings: ['<script>warning()</script>|\u0000'],
    inputs: [inputFromContent(hostilePath, 'x'), inputFromContent('plain.txt', 'y')],
    outputs: [{ path: 'out|<i>', status: 'saved', tree: 'ef'.repeat(32), files: 1, bytes: 1, transferred_bytes: 1, manifest: 'm|<u>.json' }],
  });

  test('no user string can open an HTML element', () => {
    const markdown = renderSummary(hostile);
    for (const tag of ['<script', '<img', '<iframe', '<b>', '<i>', '<u>', '<x>']) assert.ok(!markdown.includes(tag), `${tag} leaked`);
    assertIncludes(markdown, '&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('no user string can add a table cell, a line or a control character', () => {
    const markdown = renderSummary(hostile);
    const inputRows = tableRows(markdown, '| path |');
    assert.equal(inputRows.length, 2);
    for (const row of inputRows) assert.equal(cells(row).length, 5, row);
    for (const row of tableRows(markdown, '| output |')) assert.equal(cells(row).length, 6, row);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    assert.doesNotMatch(markdown, /[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    assert.match(markdown, /\*\*Reason:\*\* remote said &lt;iframe&gt;&#124;&lt;\/iframe&gt; second line\n/);
  });

  test('a hostile path is shown escaped in full, with its invisible characters made visible', () => {
    const pathCell = cells(tableRows(renderSummary(hostile), '| path |')[0]!)[0];
    assert.equal(
      pathCell,
      '<code>a&#124;b&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#96;x&#96; &#91;link&#93;(http://e.com)&#42;em&#42;&#95;u&#95;&#36;x&#36;&#92;&#92;u{7}&#92;u{202e}gpj.exe</code>',
    );
  });

  test('a forged workflow command or escape code in a warning or a reason stays inside its line, escaped', () => {
    const forged = 'Access Denied\n::error::forged\r\n::warning::x \u001b[2J<script>x()</script>\u2028::notice::y';
    const markdown = renderSummary(baseReport({ status: 'error', reason: forged, warnings: [forged] }));
    for (const line of markdown.split('\n')) assert.ok(!line.trimStart().startsWith('::'), `a line starts a workflow command: ${line}`);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    assert.doesNotMatch(markdown, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]|<script/);
    assertIncludes(markdown, '- ⚠️ Access Denied ::error::forged ::warning::x &#92;u{1b}&#91;2J&lt;script&gt;x()&lt;/script&gt; ::notice::y');
  });

  test('the heading is one line and escaped', () => {
    assert.equal(
      heading(renderSummary(hostile)),
      '### ⚠️ stoat: echo "&lt;img src=x onerror=alert(1)&gt;" &#124; tee &#96;out&#96; rm -rf / — cache error, ran as on a miss in 2 min 5 s: remote said &lt;iframe&gt;&#124;&lt;/iframe&gt; second line',
    );
  });
});

describe('the size budget', () => {
  test('100,000 inputs stay under the default budget, and the summary says exactly how many were left out', () => {
    const inputs = syntheticInputs(100_000, (index) => `shard-${String(index % 20).padStart(2, '0')}`).sort((left, right) => (left.path < right.path ? -1 : 1));
    const markdown = renderSummary(baseReport({ inputs }));
    assert.ok(bytesOf(markdown) <= defaultBudgetBytes, `${bytesOf(markdown)} bytes`);
    // The budget is used, not wasted: most of it goes to rows.
    assert.ok(bytesOf(markdown) > defaultBudgetBytes * 0.9, `${bytesOf(markdown)} bytes`);

    const rows = tableRows(markdown, '| path |').map(cells);
    assert.ok(rows.length > 500, `${rows.length} rows`);
    rows.forEach((row, index) => assert.equal(row[0], `\`${inputs[index]!.path}\``));
    const leftOut = 100_000 - rows.length;
    assertIncludes(markdown, `**Left out of this table: ${formatCount(leftOut)} of 100,000 files`);
    assert.match(markdown, /the action's `report` output, or `--json` on the command line/);
    assert.match(markdown, /<summary>Input-hash report: 100,000 files, 97\.7 MiB<\/summary>/);

    const directories = tableRows(markdown, '| top-level directory |').map(cells);
    assert.equal(directories.length, 20);
    assert.deepEqual(directories[0], ['`shard-00/`', '5,000', '4.88 MiB']);
    assert.ok(markdown.trimEnd().endsWith('</details>'), 'the section ends with </details>');
  });

  test('the left-out bytes are those of the files left out, not of all files', () => {
    // Ten 1 GiB files first, then 990 files of one byte: the rows shown hold nearly all the bytes.
    const gibibyte = 1024 ** 3;
    const inputs = syntheticInputs(1_000, () => 'data').map((input, index) => ({ ...input, size: index < 10 ? gibibyte : 1 }));
    const markdown = renderSummary(baseReport({ inputs }), { budgetBytes: minimumBudgetBytes });
    const shown = tableRows(markdown, '| path |').length;
    assert.ok(shown > 10 && shown < 1_000, `${shown} rows`);
    const note = markdown.split('\n').find((line) => line.startsWith('**Left out'));
    assert.equal(note?.split(')**')[0], `**Left out of this table: ${formatCount(1_000 - shown)} of 1,000 files (${1_000 - shown} B of 10.0 GiB`);
  });

  const oneDirectoryEach = syntheticInputs(100_000, (index) => `d${index}`);
  for (const budgetBytes of [minimumBudgetBytes, 64 * 1024, defaultBudgetBytes, 1024 * 1024]) {
    test(`everything oversized at once stays under a budget of ${budgetBytes} bytes`, () => {
      const inputs = oneDirectoryEach;
      const report = baseReport({
        status: 'error',
        reason: `<|>${'|'.repeat(1_000_000)}`,
        save: `failed: ${'\u202e'.repeat(100_000)}`,
        remote: `s3://${'|'.repeat(10_000)}`,
        command: ['|'.repeat(10_000)],
        read_scopes: Array.from({ length: 1000 }, (_, index) => `scope-${'|'.repeat(200)}-${index}`),
        warnings: Array.from({ length: 5_000 }, (_, index) => `warning ${index} ${'<'.repeat(2_000)}`),
        outputs: Array.from({ length: 2_000 }, (_, index) => ({ path: `out-${index}`, status: 'saved' as const, tree: 'ab'.repeat(32), files: 1, bytes: 1, transferred_bytes: 1, manifest: `m/${'%'.repeat(300)}` })),
        inputs,
      });
      const markdown = renderSummary(report, { budgetBytes });
      assert.ok(bytesOf(markdown) <= budgetBytes, `${bytesOf(markdown)} bytes for a budget of ${budgetBytes}`);

      const warningsShown = markdown.split('\n').filter((line) => line.startsWith('- ⚠️ warning')).length;
      assertIncludes(markdown, `- … and ${formatCount(5_000 - warningsShown)} more warnings, listed in the JSON report`);
      const outputsShown = tableRows(markdown, '| output |').filter((row) => row.startsWith('| `out-')).length;
      if (outputsShown < 2_000) assertIncludes(markdown, `| … ${formatCount(2_000 - outputsShown)} more outputs, listed in the JSON report |`);
      else assert.doesNotMatch(markdown, /more outputs, listed/);

      const directoryRows = tableRows(markdown, '| top-level directory |').map(cells);
      const more = directoryRows.at(-1)!;
      assert.match(more[0]!, new RegExp(`^… ${formatCount(100_000 - (directoryRows.length - 1))} more directories`));
      assert.equal(more[1], formatCount(100_000 - (directoryRows.length - 1)));
      const leftOut = 100_000 - (markdown.includes('| path |') ? tableRows(markdown, '| path |').length : 0);
      assertIncludes(markdown, `Left out of this table: ${formatCount(leftOut)} of 100,000 files`);
    });
  }

  test('a budget too small for the fixed parts is refused, naming the option', () => {
    assert.throws(() => renderSummary(baseReport(), { budgetBytes: 1000 }), (error: unknown) => error instanceof RangeError && /budgetBytes 1000/.test(error.message));
  });
});
