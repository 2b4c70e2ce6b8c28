'use strict';
// Finds programs hidden in a workflow's parameters, where no linter, type checker or unit test
// reaches them: an expression (a value starting with "=") longer than MAX_EXPRESSION_CHARS or
// defining a function (arrow, `function`, a self-invoking call), and any literal (not a sticky
// note) longer than MAX_EXPRESSION_CHARS, such as an HTML page pasted into a Set node. Logic
// belongs in a node; a workflow only wires.

const MAX_EXPRESSION_CHARS = 400;

const FUNCTION_PATTERNS = [
	{ reason: 'arrow function', pattern: /=>/ },
	{ reason: 'function keyword', pattern: /\bfunction\b\s*[\w$]*\s*\(/ },
	{ reason: 'self-invoking function', pattern: /\)\s*\(\s*\)/ },
];

/** Every string in a node's parameters, with its path (`assignments.assignments[0].value`). */
function strings(value, path = '') {
	if (typeof value === 'string') return [{ path, value }];
	if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${path}[${i}]`));
	if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => strings(item, path ? `${path}.${key}` : key));
	return [];
}

/** `[{node, path, chars, reason}]` for every offending parameter of the workflow; empty when clean. */
function programsInExpressions(workflow) {
	const found = [];
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.stickyNote') continue;
		for (const { path, value } of strings(node.parameters)) {
			const isExpression = value.startsWith('=');
			const reasons = [];
			if (value.length > MAX_EXPRESSION_CHARS) reasons.push(isExpression ? 'long expression' : 'long literal');
			if (isExpression) for (const { reason, pattern } of FUNCTION_PATTERNS) if (pattern.test(value)) reasons.push(reason);
			if (reasons.length > 0) found.push({ node: node.name, path, chars: value.length, reason: reasons.join(', ') });
		}
	}
	return found;
}

module.exports = { programsInExpressions, MAX_EXPRESSION_CHARS };
