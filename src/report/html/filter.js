// Filters findings by severity and rule; the choice lives in the address (#severity=error&rule=x),
// so a filtered report can be linked to.
(function () {
  const findings = Array.from(document.querySelectorAll('li.finding'));
  const rule = document.getElementById('rule');
  const shows = {
    error: document.getElementById('show-error'),
    warning: document.getElementById('show-warning'),
  };
  const rules = Array.from(new Set(findings.map((f) => f.dataset.rule))).sort();
  for (const id of rules) {
    const option = document.createElement('option');
    option.value = id;
    option.textContent = id;
    rule.appendChild(option);
  }
  const wanted = new URLSearchParams(location.hash.slice(1));
  if (wanted.has('severity')) {
    const severities = wanted.get('severity').split(',');
    for (const name in shows) shows[name].checked = severities.includes(name);
  }
  if (wanted.has('rule') && rules.includes(wanted.get('rule'))) rule.value = wanted.get('rule');
  function apply() {
    let shown = 0;
    for (const finding of findings) {
      const visible = shows[finding.dataset.severity].checked &&
        (rule.value === '' || rule.value === finding.dataset.rule);
      finding.hidden = !visible;
      if (visible) shown += 1;
    }
    document.getElementById('shown').textContent =
      shown + ' of ' + findings.length + ' findings shown';
  }
  function remember() {
    const severities = Object.keys(shows).filter((name) => shows[name].checked).join(',');
    const hash = '#severity=' + severities + (rule.value ? '&rule=' + encodeURIComponent(rule.value) : '');
    history.replaceState(null, '', hash);
  }
  for (const input of [rule, shows.error, shows.warning]) {
    input.addEventListener('change', () => { apply(); remember(); });
  }
  apply();
})();
