// ECharts for the analytics screens, imported per module (the scatter of the
// clusters and the bars of the segments) so that they stay in this area's
// chunks, away from the POS and the start-up code.
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, ScatterChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([CanvasRenderer, BarChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent])

export { VChart }
/** The palette of the other charts (Element Plus's primary blue first): one colour per cluster. */
export const COLORS = ['#409eff', '#67c23a', '#e6a23c', '#f56c6c', '#909399', '#73c0de', '#9a60b4', '#ea7ccc', '#3ba272']
