#pragma once

// One case per built-in layer type and notable setting: the layer fed by
// Inputs of the given shapes (one per input port). tst_layers checks each
// against its module, tst_export each export against the workbench.

#include <vector>

namespace lepton {

// One row per case: the layer fed by Inputs of the given shapes (one per
// input port), all of `dtype`.
struct LayerCase {
    const char* name;
    const char* type;
    const char* params;
    const char* inputs;
    const char* dtype = "float32";
};

inline std::vector<LayerCase> layerCases()
{
    std::vector<LayerCase> cases = {
        {"Input float", "Input", R"({"shape": [3, 4]})", "[]"},
        {"Input ids", "Input", R"({"shape": [7], "dtype": "int64"})", "[]"},
        {"Output", "Output", "{}", "[[5]]"},
        {"Identity", "Identity", "{}", "[[2, 3]]"},
        {"Linear", "Linear", R"({"out_features": 7})", "[[5]]"},
        {"Linear on last dim", "Linear", R"({"out_features": 3, "bias": false})", "[[4, 6]]"},
        {"Bilinear", "Bilinear", R"({"out_features": 4})", "[[5], [3]]"},
        {"Conv1d", "Conv1d", R"({"out_channels": 6, "kernel_size": 3, "padding": 1})",
         "[[2, 10]]"},
        {"Conv2d", "Conv2d", R"({"out_channels": 4, "kernel_size": 3, "stride": 2})",
         "[[3, 9, 9]]"},
        {"Conv2d depthwise dilated", "Conv2d",
         R"({"out_channels": 8, "groups": 4, "dilation": 2, "padding": 2})", "[[4, 7, 7]]"},
        {"ConvTranspose2d", "ConvTranspose2d",
         R"({"out_channels": 2, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1})",
         "[[4, 5, 5]]"},
        {"MaxPool1d", "MaxPool1d", R"({"kernel_size": 3})", "[[2, 10]]"},
        {"MaxPool2d", "MaxPool2d", R"({"kernel_size": 3, "stride": 2, "padding": 1})",
         "[[2, 7, 7]]"},
        {"AvgPool1d", "AvgPool1d", R"({"kernel_size": 2, "stride": 1})", "[[3, 6]]"},
        {"AvgPool2d", "AvgPool2d", "{}", "[[2, 7, 5]]"},
        {"AdaptiveAvgPool2d", "AdaptiveAvgPool2d", R"({"output_size": [3, 2]})", "[[2, 7, 5]]"},
        {"GlobalAvgPool2d", "GlobalAvgPool2d", "{}", "[[6, 4, 4]]"},
        {"BatchNorm1d", "BatchNorm1d", "{}", "[[6]]"},
        {"BatchNorm1d sequence", "BatchNorm1d", "{}", "[[6, 5]]"},
        {"BatchNorm2d", "BatchNorm2d", "{}", "[[3, 4, 4]]"},
        {"LayerNorm", "LayerNorm", "{}", "[[5, 8]]"},
        {"LayerNorm two dims", "LayerNorm", R"({"normalized_dims": 2, "affine": false})",
         "[[5, 8]]"},
        {"GroupNorm", "GroupNorm", R"({"groups": 2})", "[[4, 3, 3]]"},
        {"Dropout", "Dropout", R"({"p": 0.3})", "[[10]]"},
        {"ReLU", "ReLU", "{}", "[[2, 5]]"},
        {"GELU", "GELU", "{}", "[[2, 5]]"},
        {"SiLU", "SiLU", "{}", "[[2, 5]]"},
        {"Mish", "Mish", "{}", "[[2, 5]]"},
        {"Sigmoid", "Sigmoid", "{}", "[[2, 5]]"},
        {"Tanh", "Tanh", "{}", "[[2, 5]]"},
        {"LeakyReLU", "LeakyReLU", R"({"negative_slope": 0.2})", "[[4]]"},
        {"ELU", "ELU", R"({"alpha": 0.5})", "[[4]]"},
        {"Softmax", "Softmax", R"({"dim": 0})", "[[3, 4]]"},
        {"LogSoftmax", "LogSoftmax", "{}", "[[3, 4]]"},
        {"LSTM", "LSTM", R"({"hidden_size": 8})", "[[6, 5]]"},
        {"LSTM stacked bidirectional", "LSTM",
         R"({"hidden_size": 4, "num_layers": 2, "bidirectional": true})", "[[6, 5]]"},
        {"GRU", "GRU", R"({"hidden_size": 7, "bidirectional": true})", "[[4, 3]]"},
        {"RNN relu", "RNN", R"({"hidden_size": 5, "num_layers": 3, "nonlinearity": "relu"})",
         "[[4, 3]]"},
        {"Embedding", "Embedding", R"({"num_embeddings": 10, "embedding_dim": 6})", "[[7]]",
         "int64"},
        {"Embedding with padding", "Embedding",
         R"({"num_embeddings": 10, "embedding_dim": 4, "padding_idx": 0})", "[[2, 3]]", "int64"},
        {"PositionalEncoding", "PositionalEncoding", "{}", "[[6, 5]]"},
        {"PositionalEncoding learned", "PositionalEncoding", R"({"kind": "learned"})", "[[6, 4]]"},
        {"MultiheadAttention self", "MultiheadAttention", R"({"num_heads": 2})",
         "[[5, 8], [5, 8], [5, 8]]"},
        {"MultiheadAttention cross", "MultiheadAttention", R"({"num_heads": 4, "bias": false})",
         "[[5, 8], [3, 6], [3, 6]]"},
        {"TransformerEncoderLayer", "TransformerEncoderLayer",
         R"({"nhead": 2, "dim_feedforward": 16})", "[[5, 8]]"},
        {"TransformerEncoderLayer gelu", "TransformerEncoderLayer",
         R"({"nhead": 4, "dim_feedforward": 12, "activation": "gelu"})", "[[3, 8]]"},
        {"Flatten", "Flatten", "{}", "[[2, 3, 4]]"},
        {"Flatten ids", "Flatten", "{}", "[[2, 3]]", "int64"},
        {"Reshape", "Reshape", R"({"shape": [4, -1]})", "[[2, 3, 4]]"},
        {"Permute", "Permute", R"({"dims": [2, 0, 1]})", "[[2, 3, 4]]"},
        {"Upsample", "Upsample", "{}", "[[2, 3, 4]]"},
        {"Upsample bilinear", "Upsample", R"({"scale_factor": 3, "mode": "bilinear"})",
         "[[1, 2, 2]]"},
        {"Add", "Add", R"({"inputs": 3})", "[[4], [4], [4]]"},
        {"Multiply", "Multiply", "{}", "[[2, 3], [2, 3]]"},
        {"Concat", "Concat", R"({"dim": -1})", "[[2, 3], [2, 5]]"},
        {"Split", "Split", R"({"parts": 3, "dim": 0})", "[[6, 2]]"},
    };
    return cases;
}


} // namespace lepton
