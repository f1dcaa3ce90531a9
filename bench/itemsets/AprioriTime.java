// AprioriTime.java: times Weka's Apriori inside one JVM (JVM start and the
// ARFF load excluded), listing every frequent itemset at one minimum support.
// java -cp weka.jar:DIR AprioriTime FILE.arff SUPPORT REPS
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import weka.associations.Apriori;
import weka.core.Instances;
import weka.core.Utils;
import weka.core.converters.ConverterUtils.DataSource;

public class AprioriTime {
	public static void main(String[] args) throws Exception {
		Instances data = DataSource.read(args[0]);
		String support = args[1];
		int reps = Integer.parseInt(args[2]);
		// One pass at exactly -M: delta 1 from upper bound 1 drops below -M at
		// once, so Weka runs at -M and stops; -C 1.1 keeps no rule; -N large
		// never stops early; -I prints the itemsets.
		String opts = "-N 100000000 -T 0 -C 1.1 -D 1.0 -U 1.0 -M " + support + " -I";
		Apriori last = null;
		double first = 0, best = Double.MAX_VALUE, cpu = Double.MAX_VALUE;
		ThreadMXBean mx = ManagementFactory.getThreadMXBean();
		for (int i = 0; i < reps; i++) {
			Apriori ap = new Apriori();
			ap.setOptions(Utils.splitOptions(opts));
			long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
			ap.buildAssociations(data);
			double ms = (System.nanoTime() - t0) / 1e6;
			// CPU of this thread only: the JIT and GC threads not counted
			cpu = Math.min(cpu, (mx.getCurrentThreadCpuTime() - c0) / 1e6);
			if (i == 0)
				first = ms;
			best = Math.min(best, ms);
			last = ap;
		}
		System.err.printf("weka_first_ms=%.1f weka_best_ms=%.1f weka_cpu_ms=%.1f%n", first, best,
				  cpu);
		System.out.println(last);
	}
}
