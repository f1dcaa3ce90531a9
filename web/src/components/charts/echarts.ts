// ECharts for the dashboard, imported per module (core, the canvas renderer,
// and only the charts and components used) so that it lands in the chunks
// of the screens that draw charts and nowhere else.
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([CanvasRenderer, LineChart, BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent])

export { VChart }

/** The palette of every chart: Element Plus's primary blue first. */
export const COLORS = ['#409eff', '#67c23a', '#e6a23c', '#f56c6c', '#909399', '#73c0de', '#9a60b4', '#ea7ccc', '#3ba272']
