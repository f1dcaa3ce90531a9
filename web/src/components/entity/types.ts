// Column and filter definitions an area's list page is built from: an
// entity's list is its definitions plus EntityList, not a hand-made table.

/** One column of an EntityList. `label` is an i18n key. */
export interface ColumnDef<T = Record<string, unknown>> {
  /** The row field shown (and the sort key for `sortable`). */
  prop: string
  label: string
  /**
   * How the value is shown: money (integer fen), number, percent (a ratio),
   * date / datetime (company time zone), qty (a quantity with up to three
   * decimals, as the API sends quantities), bool (yes/no), tag (see `tag`), text (default).
   */
  kind?: 'text' | 'money' | 'number' | 'percent' | 'date' | 'datetime' | 'qty' | 'bool' | 'tag'
  /** For `tag`: the tag's text (already translated) and colour. */
  tag?: (row: T) => { text: string; type?: 'primary' | 'success' | 'info' | 'warning' | 'danger' }
  /** Anything else: the cell's text. */
  format?: (row: T) => string
  width?: number
  minWidth?: number
  align?: 'left' | 'center' | 'right'
  fixed?: 'left' | 'right'
  /** The endpoint sorts by this column (`sort`/`order` query). */
  sortable?: boolean
  /** Long text (a sentence): wrapped over several lines instead of cut with a tooltip. */
  wrap?: boolean
}

/** A choice of a select filter; `label` is an i18n key unless `raw` is set. */
export interface FilterOption {
  value: string | number | boolean
  label: string
  raw?: boolean
}

/**
 * One filter of an EntityList, bound to `table.filters[key]`. `label` is an
 * i18n key. `store` lists the stores the user may see; `daterange` fills
 * `key` with [from, to] as YYYY-MM-DD and is split by `range` into two
 * query fields (default `from` / `to`).
 */
export interface FilterDef {
  key: string
  label: string
  kind: 'search' | 'select' | 'store' | 'switch' | 'date' | 'daterange'
  options?: FilterOption[]
  /** i18n key of the placeholder (search boxes: what can be typed). */
  placeholder?: string
  width?: number
  multiple?: boolean
}
