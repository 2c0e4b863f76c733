/**
 * The parameters of one SQL statement put together from parts that several services write (each part a
 * data-modifying CTE, say): every part adds its values here and writes the `$n` it gets back, so the
 * parts never have to agree on numbering.
 */
export class StatementParams {
  readonly values: unknown[] = [];

  /** The placeholder (`$n`) of `value`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
