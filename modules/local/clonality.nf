process CLONALITY {
    label 'process_medium'
    // by content: previous_figures is the folder this process published last time, copied
    // again (same bytes, new times) each time it runs; by name and time, every -resume would
    // see a new input and run it again
    cache 'deep'

    input:
    path samplesheet
    path sheet_files, stageAs: 'inputs/*' // panel files and tables the samplesheet names
    path results, stageAs: 'results/*'
    path previous_figures, stageAs: 'previous/*' // the run before's clonality/ figures, or []

    output:
    path "clonality.tsv"          , emit: tsv
    path "clonality_evidence.tsv" , emit: evidence
    path "clonality.qc.json"      , emit: qc
    path "clonality"              , emit: plots, optional: true
    path "versions.yml"           , emit: versions

    script:
    def args = task.ext.args ?: ''
    def previous = previous_figures ? '--previous-figures previous' : ''
    """
    lenall clonality \\
        --samplesheet ${samplesheet} \\
        --results results \\
        --outdir . \\
        --genome ${params.genome} \\
        --cores ${task.cpus} \\
        ${previous} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch clonality.tsv clonality_evidence.tsv clonality.qc.json
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
