#include "commands.h"

#include "export/predictor.h"
#include "util/displaytext.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace lepton::cli {

namespace {

std::string percent(double probability)
{
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%", 100.0 * probability);
    return text;
}

nlohmann::json toJson(const Prediction& prediction)
{
    nlohmann::json json = {{"input", prediction.input}};
    if (!prediction.classes.empty()) {
        json["class"] = prediction.classes.front().first;
        nlohmann::json classes = nlohmann::json::array();
        for (const auto& [name, probability] : prediction.classes)
            classes.push_back({{"class", name}, {"probability", probability}});
        json["top"] = classes;
    } else {
        json["values"] = prediction.values;
    }
    return json;
}

} // namespace

int runPredict(const PredictOptions& options)
{
    const PredictionRun run = predictFiles(options.model, options.checkpoint, options.inputs, options.top);
    for (const std::string& reason : run.skipped)
        std::cerr << "skipped " << reason << '\n';
    if (options.json) {
        nlohmann::json all = nlohmann::json::array();
        for (const Prediction& prediction : run.predictions)
            all.push_back(toJson(prediction));
        std::cout << all.dump(2) << '\n';
        return 0;
    }
    size_t width = 0;
    for (const Prediction& prediction : run.predictions)
        width = std::max(width, displayText(prediction.input).size());
    std::cout << "predicted with " << displayText(run.model) << ":\n";
    for (const Prediction& prediction : run.predictions) {
        const std::string input = displayText(prediction.input);
        std::cout << "  " << input << std::string(width - input.size() + 2, ' ');
        if (run.classification) {
            for (size_t i = 0; i < prediction.classes.size(); ++i)
                std::cout << (i ? ", " : "") << displayText(prediction.classes[i].first) << " "
                          << percent(prediction.classes[i].second);
        } else {
            for (size_t i = 0; i < prediction.values.size(); ++i)
                std::cout << (i ? " " : "") << prediction.values[i];
        }
        std::cout << '\n';
    }
    return 0;
}

} // namespace lepton::cli
