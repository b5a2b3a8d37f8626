#include "export/onnxexport.h"

#include "export/exporterror.h"
#include "graph/layerregistry.h"
#include "export/exportfile.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <map>
#include <set>

namespace lepton {

namespace {

constexpr int64_t kOpset = 13;
constexpr int64_t kIrVersion = 7; // the IR of opset 13

void setAttribute(onnx::AttributeProto& proto, const OnnxAttribute& attribute)
{
    proto.set_name(attribute.name);
    std::visit(
        [&](const auto& value) {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, int64_t>) {
                proto.set_type(onnx::AttributeProto::INT);
                proto.set_i(value);
            } else if constexpr (std::is_same_v<T, float>) {
                proto.set_type(onnx::AttributeProto::FLOAT);
                proto.set_f(value);
            } else if constexpr (std::is_same_v<T, std::string>) {
                proto.set_type(onnx::AttributeProto::STRING);
                proto.set_s(value);
            } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
                proto.set_type(onnx::AttributeProto::INTS);
                for (int64_t item : value)
                    proto.add_ints(item);
            } else if constexpr (std::is_same_v<T, std::vector<float>>) {
                proto.set_type(onnx::AttributeProto::FLOATS);
                for (float item : value)
                    proto.add_floats(item);
            } else {
                proto.set_type(onnx::AttributeProto::STRINGS);
                for (const std::string& item : value)
                    proto.add_strings(item);
            }
        },
        attribute.value);
}

FloatArray arrayOf(const torch::Tensor& tensor)
{
    const torch::Tensor values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return {Shape(values.sizes().begin(), values.sizes().end()),
            std::vector<float>(values.data_ptr<float>(), values.data_ptr<float>() + values.numel())};
}

void setValueType(onnx::ValueInfoProto& info, const std::string& name, int elementType, const Shape& sample)
{
    info.set_name(name);
    onnx::TypeProto_Tensor* tensor = info.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(elementType);
    onnx::TensorShapeProto* shape = tensor->mutable_shape();
    shape->add_dim()->set_dim_param("batch");
    for (int64_t size : sample)
        shape->add_dim()->set_dim_value(size);
}

// One layer's view of the graph being written: fresh values are named
// "<layer>/<Op>_<n>", its tensors "<layer>.<tensor>".
class LayerOnnxBuilder : public OnnxBuilder {
public:
    LayerOnnxBuilder(onnx::GraphProto& graph, std::set<std::string>& initializers, const std::string& layer,
                     std::vector<std::string> inputs, std::map<std::string, torch::Tensor> tensors, bool half)
        : m_half(half)
        , m_graph(graph)
        , m_initializers(initializers)
        , m_layer(layer)
        , m_inputs(std::move(inputs))
        , m_tensors(std::move(tensors))
        , m_firstNode(graph.node_size())
    {
    }

    std::string input(size_t port) const override { return m_inputs.at(port); }

    std::vector<std::string> node(const std::string& op, const std::vector<std::string>& inputs,
                                  const OnnxAttributes& attributes, size_t outputs) override
    {
        std::vector<std::string> names;
        for (size_t i = 0; i < outputs; ++i)
            names.push_back(fresh(op));
        namedNode(op, inputs, attributes, names);
        return names;
    }

    void namedNode(const std::string& op, const std::vector<std::string>& inputs, const OnnxAttributes& attributes,
                   const std::vector<std::string>& outputs) override
    {
        onnx::NodeProto* node = m_graph.add_node();
        node->set_op_type(op);
        node->set_name(m_layer + "/" + op + "_" + std::to_string(m_graph.node_size()));
        for (const std::string& input : inputs)
            node->add_input(input);
        for (const std::string& output : outputs)
            node->add_output(output);
        for (const OnnxAttribute& attribute : attributes)
            setAttribute(*node->add_attribute(), attribute);
    }

    bool hasWeight(const std::string& tensor) const override { return m_tensors.count(tensor) > 0; }

    FloatArray weightValues(const std::string& tensor) const override { return arrayOf(tensorNamed(tensor)); }

    std::string weight(const std::string& tensor) override
    {
        const std::string name = m_layer + "." + tensor;
        if (m_initializers.insert(name).second)
            addInitializer(name, arrayOf(tensorNamed(tensor)));
        return name;
    }

    std::string constant(const FloatArray& values) override
    {
        const std::string name = fresh("const");
        m_initializers.insert(name);
        addInitializer(name, values);
        return name;
    }

    std::string constantInts(const std::vector<int64_t>& values) override
    {
        const std::string name = fresh("const");
        m_initializers.insert(name);
        onnx::TensorProto* tensor = m_graph.add_initializer();
        tensor->set_name(name);
        tensor->set_data_type(onnx::TensorProto::INT64);
        tensor->add_dims(static_cast<int64_t>(values.size()));
        for (int64_t value : values)
            tensor->add_int64_data(value);
        return name;
    }

    // Gives a value this layer computed the name the graph knows it by
    // ("fc1"); values passed through from elsewhere keep theirs.
    std::string rename(const std::string& value, const std::string& name)
    {
        bool computedHere = false;
        for (int n = m_firstNode; n < m_graph.node_size(); ++n) {
            onnx::NodeProto* node = m_graph.mutable_node(n);
            for (int i = 0; i < node->output_size(); ++i) {
                if (node->output(i) == value) {
                    node->set_output(i, name);
                    computedHere = true;
                }
            }
            for (int i = 0; i < node->input_size(); ++i) {
                if (node->input(i) == value)
                    node->set_input(i, name);
            }
        }
        return computedHere ? name : value;
    }

private:
    const torch::Tensor& tensorNamed(const std::string& tensor) const
    {
        const auto found = m_tensors.find(tensor);
        if (found == m_tensors.end())
            throw ExportError(m_layer + ": no tensor " + tensor);
        return found->second;
    }

    std::string fresh(const std::string& hint) { return m_layer + "/" + hint + "_" + std::to_string(++m_count); }

    // Half precision: the values stored as float16 under "<name>/float16",
    // and a Cast giving `name` as float32.
    void addInitializer(const std::string& name, const FloatArray& values)
    {
        onnx::TensorProto* tensor = m_graph.add_initializer();
        tensor->set_name(m_half ? name + "/float16" : name);
        for (int64_t size : values.shape)
            tensor->add_dims(size);
        if (!m_half) {
            tensor->set_data_type(onnx::TensorProto::FLOAT);
            tensor->set_raw_data(values.values.data(), values.values.size() * sizeof(float));
            return;
        }
        tensor->set_data_type(onnx::TensorProto::FLOAT16);
        std::vector<c10::Half> halves(values.values.begin(), values.values.end());
        tensor->set_raw_data(halves.data(), halves.size() * sizeof(c10::Half));
        namedNode("Cast", {name + "/float16"}, {{"to", int64_t(onnx::TensorProto::FLOAT)}}, {name});
    }

    bool m_half = false;
    onnx::GraphProto& m_graph;
    std::set<std::string>& m_initializers;
    std::string m_layer;
    std::vector<std::string> m_inputs;
    std::map<std::string, torch::Tensor> m_tensors;
    int m_firstNode = 0;
    int m_count = 0;
};

std::map<std::string, torch::Tensor> tensorsOf(const std::shared_ptr<torch::nn::Module>& module)
{
    std::map<std::string, torch::Tensor> tensors;
    if (!module)
        return tensors;
    for (const auto& parameter : module->named_parameters())
        tensors[parameter.key()] = parameter.value();
    for (const auto& buffer : module->named_buffers())
        tensors[buffer.key()] = buffer.value();
    return tensors;
}

} // namespace

void writeOnnxModel(const ModelCode& code, const Graph& graph, const ShapeReport& shapes, GraphModule& model,
                    const std::string& path, bool half)
{
    const LayerRegistry& registry = LayerRegistry::builtin();
    onnx::ModelProto proto;
    proto.set_ir_version(kIrVersion);
    proto.set_producer_name("Lepton Workbench");
    onnx::OperatorSetIdProto* opset = proto.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpset);
    onnx::GraphProto& onnxGraph = *proto.mutable_graph();
    onnxGraph.set_name(code.className);

    std::set<std::string> initializers;
    std::map<std::pair<NodeId, int>, std::string> values; // each node output's value
    std::string graphOutput;
    DType outputType = DType::Float32;
    for (const LayerCodeEntry& layer : code.layers) {
        const Node& node = *graph.node(layer.id);
        const LayerSpec& spec = *registry.find(node.type);
        if (!spec.onnx)
            throw ExportError(describeNode(node) + " has no ONNX form: ONNX has no operator for " + node.type);
        std::vector<std::string> inputs;
        if (node.type == "Input") {
            inputs.push_back(layer.identifier);
            const bool ids = shapes.nodes.at(layer.id).outputs.at(0).dtype == DType::Int64;
            setValueType(*onnxGraph.add_input(), layer.identifier,
                         ids ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT, model->inputShape());
        }
        for (int port = 0; port < registry.inputCount(node); ++port) {
            const Edge edge = *graph.edgeInto(layer.id, port);
            inputs.push_back(values.at({edge.fromNode, edge.fromPort}));
        }
        LayerOnnxBuilder builder(onnxGraph, initializers, layer.identifier, inputs,
                                 tensorsOf(model->layerModule(layer.id)), half);
        std::vector<std::string> outputs;
        try {
            outputs = spec.onnx(LayerContext{node, shapes.nodes.at(layer.id)}, builder);
        } catch (const ExportError&) {
            throw;
        } catch (const std::exception& error) {
            throw ExportError(describeNode(node) + " " + error.what());
        }
        if (node.type == "Output") {
            graphOutput = builder.rename(outputs.at(0), layer.identifier);
            outputType = shapes.nodes.at(layer.id).inputs.at(0).dtype;
            continue;
        }
        const int ports = registry.outputCount(node);
        for (int port = 0; port < ports; ++port) {
            const std::string name =
                ports == 1 ? layer.identifier : layer.identifier + "/" + registry.outputPortName(node, port);
            values[{layer.id, port}] = node.type == "Input" ? outputs.at(0) : builder.rename(outputs.at(port), name);
        }
    }
    setValueType(*onnxGraph.add_output(), graphOutput,
                 outputType == DType::Int64 ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT, model->outputShape());
    try {
        onnx::checker::check_model(proto);
    } catch (const std::exception& error) {
        throw ExportError(std::string("the ONNX checker rejects the model: ") + error.what());
    }
    std::string bytes;
    if (!proto.SerializeToString(&bytes))
        throw ExportError(path + ": the model is too large for one ONNX file (2 GB)");
    writeExportFile(path, bytes);
}

} // namespace lepton
