// Known gaps per backend, in one place: backend name → case name → why it is not expected to pass yet.
// The suite reports these as skipped with the reason. The cpu reference backend has none.
export const GAPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};

export function gapReason(backend: string, caseName: string): string | undefined {
  return GAPS[backend]?.[caseName];
}
