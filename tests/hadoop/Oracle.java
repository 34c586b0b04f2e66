/*
 * Oracle: Hadoop's and Java's own answers for the probes of make hadoop-check.
 *
 * Reads one case a line on standard input, fields separated by spaces, byte
 * strings in hex ("-" for an empty one), and writes one answer a line, as
 * tests/hadoop/probe.c writes the answers of mr-tools' lib/ for the same
 * lines.  MODE is the first argument:
 *
 *   compare OPTS SEP A B     KeyFieldBasedComparator: -1, 0 or 1
 *   partition OPTS SEP N KEY KeyFieldBasedPartitioner (OPTS "none": no
 *                            options; "fields:K": num.key.fields.for.partition)
 *   text KEY                 new Text(key.toString()) bytes, String.hashCode,
 *                            String.length
 *   strcmp A B               sign of a.toString().compareTo(b.toString())
 *   dtoa BITS                Double.toString(Double.longBitsToDouble(bits))
 *   parsedouble S            raw bits of Double.parseDouble, or NFE
 *   parselong S              Long.parseLong, or NFE
 */
import java.io.*;
import java.util.*;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.lib.KeyFieldBasedComparator;
import org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner;

public class Oracle {
  static byte[] unhex(String s) {
    if (s.equals("-")) return new byte[0];
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++)
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }

  static String hex(byte[] b, int len) {
    if (len == 0) return "-";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) sb.append(String.format("%02x", b[i] & 0xff));
    return sb.toString();
  }

  static byte[] serialize(byte[] key) throws IOException {
    DataOutputBuffer o = new DataOutputBuffer();
    new Text(key).write(o);
    return Arrays.copyOf(o.getData(), o.getLength());
  }

  static JobConf conf(String opts, String sep, String prop) {
    JobConf job = new JobConf(false);
    job.set("mapreduce.map.output.key.field.separator",
        new String(unhex(sep), java.nio.charset.StandardCharsets.UTF_8));
    if (opts.startsWith("fields:"))
      job.set("num.key.fields.for.partition", opts.substring(7));
    else if (!opts.equals("none"))
      job.set(prop, new String(unhex(opts), java.nio.charset.StandardCharsets.UTF_8));
    return job;
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "ISO-8859-1"));
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, "ISO-8859-1");
    Map<String, KeyFieldBasedComparator<Text, Text>> comparators = new HashMap<>();
    Map<String, KeyFieldBasedPartitioner<Text, Text>> partitioners = new HashMap<>();
    String mode = args[0], line;
    while ((line = in.readLine()) != null) {
      String[] f = line.split(" ");
      String answer;
      try {
        switch (mode) {
        case "compare": {
          String id = f[0] + " " + f[1];
          KeyFieldBasedComparator<Text, Text> c = comparators.get(id);
          if (c == null) {
            c = new KeyFieldBasedComparator<>();
            c.configure(conf(f[0], f[1], "mapreduce.partition.keycomparator.options"));
            comparators.put(id, c);
          }
          byte[] a = serialize(unhex(f[2])), b = serialize(unhex(f[3]));
          answer = Integer.toString(Integer.signum(c.compare(a, 0, a.length, b, 0, b.length)));
          break;
        }
        case "partition": {
          String id = f[0] + " " + f[1];
          KeyFieldBasedPartitioner<Text, Text> p = partitioners.get(id);
          if (p == null) {
            p = new KeyFieldBasedPartitioner<>();
            p.configure(conf(f[0], f[1], "mapreduce.partition.keypartitioner.options"));
            partitioners.put(id, p);
          }
          answer = Integer.toString(p.getPartition(new Text(unhex(f[3])), new Text(""),
              Integer.parseInt(f[2])));
          break;
        }
        case "text": {
          String s = new Text(unhex(f[0])).toString();
          byte[] b = new Text(s).copyBytes();
          answer = hex(b, b.length) + " " + s.hashCode() + " " + s.length();
          break;
        }
        case "strcmp": {
          String a = new Text(unhex(f[0])).toString(), b = new Text(unhex(f[1])).toString();
          answer = Integer.toString(Integer.signum(a.compareTo(b)));
          break;
        }
        case "dtoa":
          answer = Double.toString(Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16)));
          break;
        case "parsedouble": {
          String s = new Text(unhex(f[0])).toString();
          try {
            answer = Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(s)));
          } catch (NumberFormatException e) {
            answer = "NFE";
          }
          break;
        }
        case "parselong": {
          String s = new Text(unhex(f[0])).toString();
          try {
            answer = Long.toString(Long.parseLong(s));
          } catch (NumberFormatException e) {
            answer = "NFE";
          }
          break;
        }
        default:
          throw new IllegalArgumentException("unknown mode " + mode);
        }
      } catch (RuntimeException e) {
        answer = "ERROR";
      }
      out.println(answer);
    }
    out.flush();
  }
}
