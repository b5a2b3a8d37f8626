// lepton: the headless front end of the training engine.
#include "commands.h"

#include "train/trainingconfig.h"
#include "util/displaytext.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv)
{
    using namespace lepton::cli;

    CLI::App app{"Lepton Workbench command line: train and inspect .lepton projects headless."};
    app.set_version_flag("--version", LEPTON_VERSION);
    app.require_subcommand(0, 1); // unknown words then read "not expected: WORD"

    TrainOptions train;
    CLI::App* trainCommand = app.add_subcommand("train", "Train a project's network on its dataset");
    trainCommand->add_option("project", train.projectPath, ".lepton project file")
        ->required()
        ->check(CLI::ExistingFile);
    trainCommand->add_option("--epochs", train.epochs, "Number of epochs (default: the project's)")
        ->check(CLI::Range(1, 1000000));
    trainCommand->add_option("--device", train.device, "cpu, cuda or cuda:N (default: the project's)")
        ->check(CLI::Validator(
            [](std::string& name) {
                return lepton::parseDeviceName(name) ? std::string() : "expected cpu, cuda or cuda:N";
            },
            "DEVICE"));
    trainCommand->add_flag("--json", train.json,
                           "Print the final summary as one JSON object on stdout; progress goes to stderr");
    CLI::Option* resume = trainCommand->add_flag("--resume", train.resume,
                           "Continue the last stopped, failed or interrupted run from its checkpoint in "
                           "PROJECT.d/ (checkpoints are written there after every epoch)");
    trainCommand->add_option("--weights", train.weights,
                             "Start from the weights of this checkpoint (e.g. PROJECT.d/best.ckpt of an earlier "
                             "run), matched to the edited network by layer and shape; prints what it loaded")
        ->check(CLI::ExistingFile)
        ->excludes(resume);
    trainCommand->add_option("--threads", train.cores,
                             "Use at most N CPU cores (default: all); the run splits them between layers and "
                             "matrix products by what its network spends its time on")
        ->check(CLI::Range(1, 4096));
    trainCommand->add_option("--nproc", train.processes,
                             "Train data-parallel with N worker processes on this machine, each taking the "
                             "project's batch size from every step (to span machines, start one worker per "
                             "process with RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set, as torchrun does)")
        ->check(CLI::Range(1, 256));
    trainCommand->add_option("--set", train.overrides,
                             "KEY=VALUE for this run only: a training setting (learning_rate=0.001, optimizer=sgd) "
                             "or a layer parameter (fc1.out_features=64); repeatable");
    trainCommand->add_option("--checkpoints", train.checkpointDir,
                             "Write the checkpoints into this folder instead of PROJECT.d/");
    trainCommand->add_option("--tag", train.tags, "Tags of this run in the history");

    SweepOptions sweep;
    CLI::App* sweepCommand = app.add_subcommand(
        "sweep", "Search hyperparameters (grid, random or successive halving) as runs in the project's history");
    sweepCommand->add_option("project", sweep.projectPath, ".lepton project file")->required()->check(CLI::ExistingFile);
    sweepCommand->add_option("spec", sweep.specPath, "The sweep's JSON file (see README)")->required()->check(CLI::ExistingFile);
    sweepCommand->add_option("--parallel", sweep.parallel, "Trials at a time, each its own process (default 1)")
        ->check(CLI::Range(1, 64));
    sweepCommand->add_flag("--json", sweep.json, "Print the ranked trials as one JSON object on stdout");

    ExportOptions exportOptions;
    CLI::App* exportCommand = app.add_subcommand(
        "export", "Write the trained model as TorchScript, ONNX, a PyTorch package or a state_dict, with its metadata");
    exportCommand->add_option("project", exportOptions.projectPath, ".lepton project file")
        ->required()
        ->check(CLI::ExistingFile);
    exportCommand->add_option("--format", exportOptions.format, "torchscript, onnx, pytorch, weights or all (default)");
    exportCommand->add_option("--checkpoint", exportOptions.checkpoint,
                              "last (default), best, or a checkpoint file's path");
    exportCommand->add_option("--out", exportOptions.outDir, "Folder to write into (default: PROJECT.d/export)");
    exportCommand->add_flag("--half", exportOptions.half,
                            "Store the weights as float16 (NAME-fp16.*), reporting what that changes in accuracy");
    exportCommand->add_flag("--json", exportOptions.json, "Print the written files as one JSON object");

    PredictOptions predict;
    CLI::App* predictCommand = app.add_subcommand(
        "predict", "Predict with a trained project or an exported TorchScript file from CSV rows, images or NPY arrays");
    predictCommand->add_option("model", predict.model, ".lepton project or exported .torchscript.pt")
        ->required()
        ->check(CLI::ExistingFile);
    predictCommand->add_option("inputs", predict.inputs, "CSV/TSV files (one sample per row), PNG/JPEG/BMP images, NPY arrays")
        ->required();
    predictCommand->add_option("--checkpoint", predict.checkpoint, "For a project: last (default), best, or a checkpoint file");
    predictCommand->add_option("--top", predict.top, "Classes to show per sample (default 3)")->check(CLI::Range(1, 1000));
    predictCommand->add_flag("--json", predict.json, "Print one JSON array, a sample per entry");

    InspectOptions inspect;
    CLI::App* inspectCommand =
        app.add_subcommand("inspect", "List every layer with its output shape and parameter count");
    inspectCommand->add_option("project", inspect.projectPath, ".lepton project file")
        ->required()
        ->check(CLI::ExistingFile);

    RunsOptions runs;
    CLI::App* runsCommand = app.add_subcommand(
        "runs", "List a project's recorded runs (PROJECT.d/runs.sqlite), or export one run's metrics as CSV");
    runsCommand->add_option("project", runs.projectPath, ".lepton project file")
        ->required()
        ->check(CLI::ExistingFile);
    runsCommand->add_flag("--json", runs.json, "Print one JSON array instead of the table");
    CLI::Option* exportRun =
        runsCommand->add_option("--export", runs.exportRun, "The run (its ID in the list) whose metrics --csv writes");
    runsCommand->add_option("--csv", runs.csvPath, "CSV file for --export's per-epoch and per-batch metrics (- for stdout)")
        ->needs(exportRun);
    exportRun->needs("--csv");

    bool devicesJson = false;
    CLI::App* devicesCommand =
        app.add_subcommand("devices", "List the devices training can use: the CPU and each CUDA GPU with its memory");
    devicesCommand->add_flag("--json", devicesJson, "Print one JSON array instead of the list");

    LayersOptions layers;
    CLI::App* layersCommand = app.add_subcommand(
        "layers", "List every layer type with its ports, parameters and help");
    layersCommand->add_flag("--json", layers.json, "Print one JSON array instead of the list");

    DataOptions data;
    CLI::App* dataCommand = app.add_subcommand(
        "data", "Show how a data file or folder is read, its statistics and its quality report");
    dataCommand->add_option("path", data.path, "Data file or folder, or a .lepton project")
        ->required()
        ->check(CLI::ExistingPath);
    dataCommand->add_option("--target", data.target, "Column to learn (tables)");
    dataCommand->add_flag("--json", data.json, "Print one JSON object instead of the report");

    NewOptions create;
    CLI::App* newCommand = app.add_subcommand(
        "new", "Write a project around a data file or folder, with a network that fits it");
    newCommand->add_option("out", create.outPath, "The .lepton file to write")->required();
    newCommand->add_option("--data", create.dataPath, "Data file or folder")
        ->required()
        ->check(CLI::ExistingPath);
    newCommand->add_option("--target", create.target, "Column to learn (tables)");
    newCommand->add_option("--template", create.templateName,
                           "Start from a template network (mlp, lenet5, ...) fitted to the data");
    newCommand->add_flag("--force", create.force, "Replace OUT if it exists");

    CLI11_PARSE(app, argc, argv);
    if (!app.get_subcommands().size()) {
        std::cerr << app.help();
        return 2;
    }

    try {
        if (trainCommand->parsed())
            return train.processes > 1 ? runLocalWorkers(train) : runTrain(train);
        if (sweepCommand->parsed())
            return runSweep(sweep);
        if (runsCommand->parsed())
            return runRuns(runs);
        if (devicesCommand->parsed())
            return runDevices(devicesJson);
        if (layersCommand->parsed())
            return runLayers(layers);
        if (dataCommand->parsed())
            return runData(data);
        if (newCommand->parsed())
            return runNew(create);
        if (exportCommand->parsed())
            return runExport(exportOptions);
        if (predictCommand->parsed())
            return runPredict(predict);
        return runInspect(inspect);
    } catch (const std::exception& error) {
        // A model error lists one problem per line; each gets the prefix.
        std::istringstream lines(error.what());
        for (std::string line; std::getline(lines, line);)
            std::cerr << "lepton: error: " << lepton::displayText(line) << '\n';
        return 1;
    }
}
