// Stands in for vscode-languageserver-types inside dockerfile-ast's bundle (scripts/build.mjs).
//
// Why: dockerfile-ast calls only Position.create and Range.create from that package at run time
// (the rest are types), yet loading it runs the definitions of every LSP namespace: about 2 ms of
// every xdf start-up. The build fails if dockerfile-ast ever uses anything else from it.
// Behaviour: the same code as the package's lib/umd/main.js (3.17) for these two namespaces, and
// test/dockerfile-ast-patches.test.ts compares the bundle with the stock library on every corpus
// file. Upstream (rcjsuen/dockerfile-ast): depend on the types only, build ranges as literals.
'use strict';
/* global module */

const MAX = 2147483647; // uinteger.MAX_VALUE
const isUinteger = (v) =>
  Object.prototype.toString.call(v) === '[object Number]' && 0 <= v && v <= MAX;
const isObjectLiteral = (v) => v !== null && typeof v === 'object';

const Position = {
  create(line, character) {
    if (line === Number.MAX_VALUE) line = MAX;
    if (character === Number.MAX_VALUE) character = MAX;
    return { line, character };
  },
  is: (v) => isObjectLiteral(v) && isUinteger(v.line) && isUinteger(v.character),
};

const Range = {
  create(one, two, three, four) {
    if (isUinteger(one) && isUinteger(two) && isUinteger(three) && isUinteger(four)) {
      return { start: Position.create(one, two), end: Position.create(three, four) };
    }
    if (Position.is(one) && Position.is(two)) return { start: one, end: two };
    throw new Error(
      `Range#create called with invalid arguments[${one}, ${two}, ${three}, ${four}]`,
    );
  },
};

module.exports = { Position, Range };
