/** `npm test` runs this before the test files: the chart data is there, or one message says how to provide it. */
import { ISTIO_VERSIONS } from "../istioData";
import { prepareStep } from "./prepare";

void prepareStep(ISTIO_VERSIONS).then(({ ok, message }) => {
  if (ok) console.log(message);
  else console.error(message);
  process.exitCode = ok ? 0 : 1;
});
