// Op cases as data (test/fixtures/op_cases.json, expected values from PyTorch in float64), on every backend.
import { readOpCases, runOpCase } from '../harness/op_cases.js';
import { backendSuite } from '../harness/suite.js';

await backendSuite('op cases', readOpCases().map((c) => ({ name: `${c.op}: ${c.name}`, run: (t) => runOpCase(t, c) })));
