process CLONALITY {
    label 'process_medium'

    input:
    path samplesheet
    path sheet_files, stageAs: 'inputs/*' // panel files and tables the samplesheet names
    path results, stageAs: 'results/*'

    output:
    path "clonality.tsv"          , emit: tsv
    path "clonality_evidence.tsv" , emit: evidence
    path "clonality.qc.json"      , emit: qc
    path "clonality"              , emit: plots, optional: true
    path "versions.yml"           , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    lenall clonality \\
        --samplesheet ${samplesheet} \\
        --results results \\
        --outdir . \\
        --genome ${params.genome} \\
        --cores ${task.cpus} \\
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
