// Controls generated from rows. A row describes a setting the way painting.models.Knob does
// (default, low, high, log, integer, label): the page's settings (settings.js) and each model's knobs
// (models-ui.js) are built the same way. Log sliders hold log10(value) in the <input>; the shown value
// is the real one.

// kind: 'log' (slider over log10), 'range' (linear slider, `integer` steps by 1), 'number' (free numeric
// entry), 'select' ([value, text] options). The page's own settings come as settings.js's controlRows().

// Builds the controls of `rows`, each into containers[row.group]; returns {get(id), set(id, value),
// element(id)}. onChange(id, value) fires on user input with the real (not log) value.
export function buildControls(containers, rows, onChange) {
  const entries = new Map();
  for (const row of rows) {
    const field = document.createElement('div');
    field.className = `field field-${row.kind}`;
    const label = document.createElement('label');
    label.htmlFor = row.id;
    label.textContent = row.label;
    field.append(label);

    let input;
    let output = null;
    if (row.kind === 'select') {
      input = document.createElement('select');
      for (const [value, text] of row.options) input.append(new Option(text, value));
    } else if (row.kind === 'log') {
      input = document.createElement('input');
      input.type = 'range';
      input.min = String(Math.log10(row.low));
      input.max = String(Math.log10(row.high));
      input.step = String(row.step);
      output = document.createElement('output');
      output.htmlFor = row.id;
      output.id = `${row.id}-value`;
      label.append(' ', output);
    } else if (row.kind === 'range') {
      input = document.createElement('input');
      input.type = 'range';
      input.min = String(row.low);
      input.max = String(row.high);
      input.step = String(row.integer ? 1 : row.step ?? 'any');
      output = document.createElement('output');
      output.htmlFor = row.id;
      output.id = `${row.id}-value`;
      label.append(' ', output);
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.step = 'any';
      input.min = String(row.low);
      input.inputMode = 'decimal';
    }
    input.id = row.id;
    input.name = row.id;
    field.append(input);
    if (row.hint) {
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.id = `${row.id}-hint`;
      hint.textContent = row.hint;
      input.setAttribute('aria-describedby', hint.id);
      field.append(hint);
    }
    containers[row.group].append(field);
    entries.set(row.id, { row, input, output });
  }

  const read = ({ row, input }) => {
    if (row.kind === 'select') return input.value;
    if (row.kind === 'number') return input.value.trim() === '' ? NaN : Number(input.value);
    if (row.kind === 'range') return Number(input.value);
    let value = Number((10 ** Number(input.value)).toPrecision(12)); // 10^log10(0.5) is 0.5000000000000002
    if (row.snap) value = row.snap(value);
    return row.integer ? Math.round(value) : value;
  };
  const show = (entry) => {
    if (entry.output) entry.output.textContent = entry.row.format(read(entry));
  };
  const write = (entry, value) => {
    const { row, input } = entry;
    if (row.kind === 'log') input.value = String(Math.log10(value));
    else if (row.kind === 'range') input.value = String(value);
    else input.value = row.format ? row.format(value) : String(value);
    show(entry);
  };

  for (const entry of entries.values()) {
    write(entry, entry.row.default);
    // sliders apply while dragging, unless the row asks for `applyOn: 'change'` (settings that rebuild
    // the model: the shown value follows the thumb, the change applies on release)
    const slider = entry.row.kind === 'log' || entry.row.kind === 'range';
    const event = entry.row.applyOn ?? (slider ? 'input' : 'change');
    if (slider) entry.input.addEventListener('input', () => show(entry));
    entry.input.addEventListener(event, () => {
      show(entry);
      onChange(entry.row.id, read(entry));
    });
  }

  const lookup = (id) => {
    const entry = entries.get(id);
    if (!entry) throw new Error(`no control "${id}"`);
    return entry;
  };
  return {
    has: (id) => entries.has(id),
    get: (id) => read(lookup(id)),
    set: (id, value) => write(lookup(id), value),
    element: (id) => lookup(id).input,
  };
}
