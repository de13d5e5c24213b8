package io.sparkbp.onnx;

import io.sparkbp.onnx.OnnxGraph.Initializer;
import io.sparkbp.onnx.OnnxGraph.Node;
import io.sparkbp.onnx.OnnxGraph.Value;

import java.io.IOException;
import java.util.Map;

/**
 * Serializes an {@link OnnxGraph} as an ONNX {@code ModelProto} with {@link ProtoWriter}. The field
 * numbers are those of {@code onnx.proto} (ONNX's protobuf schema, proto2 syntax); repeated fields are
 * written one element per key, the proto2 default encoding. Tensor values go into {@code raw_data} as
 * little-endian IEEE 754 numbers of the chosen precision.
 */
final class OnnxWriter {
    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_DOC_STRING = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    // OperatorSetIdProto (the default domain "" is ai.onnx, so only the version is written)
    private static final int OPSET_VERSION = 2;
    // StringStringEntryProto
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto, with AttributeType INT = 2
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    /** What the model says about itself besides the graph. */
    record Header(long irVersion, long opsetVersion, String producer, String docString, Map<String, String> metadata) {
    }

    private final OnnxGraph graph;
    private final OnnxPrecision precision;
    private final Header header;

    OnnxWriter(OnnxGraph graph, OnnxPrecision precision, Header header) {
        this.graph = graph;
        this.precision = precision;
        this.header = header;
    }

    /** The {@code ModelProto} fields. */
    void writeModel(ProtoWriter w) throws IOException {
        w.int64(MODEL_IR_VERSION, header.irVersion());
        w.string(MODEL_PRODUCER_NAME, header.producer());
        w.string(MODEL_DOC_STRING, header.docString());
        w.message(MODEL_GRAPH, this::writeGraph);
        w.message(MODEL_OPSET_IMPORT, o -> o.int64(OPSET_VERSION, header.opsetVersion()));
        for (Map.Entry<String, String> e : header.metadata().entrySet()) {
            w.message(MODEL_METADATA_PROPS, m -> {
                m.string(ENTRY_KEY, e.getKey());
                m.string(ENTRY_VALUE, e.getValue());
            });
        }
    }

    private void writeGraph(ProtoWriter w) throws IOException {
        for (Node n : graph.nodes()) {
            w.message(GRAPH_NODE, nw -> writeNode(nw, n));
        }
        w.string(GRAPH_NAME, graph.name());
        for (Initializer t : graph.initializers()) {
            w.message(GRAPH_INITIALIZER, tw -> writeTensor(tw, t));
        }
        w.message(GRAPH_INPUT, vw -> writeValueInfo(vw, graph.input()));
        for (Value v : graph.outputs()) {
            w.message(GRAPH_OUTPUT, vw -> writeValueInfo(vw, v));
        }
    }

    private static void writeNode(ProtoWriter w, Node n) throws IOException {
        for (String in : n.inputs()) {
            w.string(NODE_INPUT, in);
        }
        w.string(NODE_OUTPUT, n.output());
        w.string(NODE_NAME, n.output());
        w.string(NODE_OP_TYPE, n.opType());
        for (Map.Entry<String, Long> a : n.intAttributes().entrySet()) {
            w.message(NODE_ATTRIBUTE, aw -> {
                aw.string(ATTRIBUTE_NAME, a.getKey());
                aw.int64(ATTRIBUTE_I, a.getValue());
                aw.int32(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
            });
        }
    }

    private void writeTensor(ProtoWriter w, Initializer t) throws IOException {
        for (long d : t.dims()) {
            w.int64(TENSOR_DIMS, d);
        }
        w.int32(TENSOR_DATA_TYPE, precision.dataType());
        w.string(TENSOR_NAME, t.name());
        if (precision == OnnxPrecision.FLOAT64) {
            w.doublesField(TENSOR_RAW_DATA, t.source(), t.offset(), t.size());
        } else {
            w.floatsField(TENSOR_RAW_DATA, t.source(), t.offset(), t.size());
        }
    }

    /** {@code name: tensor(<precision>)[batch, width]}. */
    private void writeValueInfo(ProtoWriter w, Value v) throws IOException {
        w.string(VALUE_INFO_NAME, v.name());
        w.message(VALUE_INFO_TYPE, type -> type.message(TYPE_TENSOR_TYPE, tensor -> {
            tensor.int32(TENSOR_TYPE_ELEM_TYPE, precision.dataType());
            tensor.message(TENSOR_TYPE_SHAPE, shape -> {
                shape.message(SHAPE_DIM, d -> d.string(DIM_PARAM, OnnxGraph.BATCH));
                shape.message(SHAPE_DIM, d -> d.int64(DIM_VALUE, v.width()));
            });
        }));
    }
}
