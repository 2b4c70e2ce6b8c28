// The TypeScript compiler only emits .js; n8n also needs the node and credential icons,
// the codex (.node.json) files next to each node, and the example workflows we ship.
const { src, dest, parallel } = require('gulp');

function nodeAndCredentialAssets() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function sharedIcons() {
	return src('icons/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

function workflows() {
	return src('workflows/*.json').pipe(dest('dist/workflows'));
}

exports['build:assets'] = parallel(nodeAndCredentialAssets, sharedIcons, workflows);
