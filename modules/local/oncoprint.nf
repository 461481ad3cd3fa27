process ONCOPRINT {
    label 'process_medium'

    input:
    path samplesheet
    path sheet_files, stageAs: 'inputs/*' // panel files and tables the samplesheet names
    path cohort_tables
    path rows, stageAs: 'reference/*' // a rows file replacing the Figure 1 rows, or []

    output:
    path "oncoprint.{png,svg,pdf}", emit: plots
    path "versions.yml"           , emit: versions

    script:
    def rows_option = rows ? "--rows ${rows}" : ''
    def args = task.ext.args ?: ''
    """
    lenall oncoprint \\
        --cohort-dir . \\
        --samplesheet ${samplesheet} \\
        --outdir . \\
        --cores ${task.cpus} \\
        ${rows_option} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch oncoprint.png oncoprint.svg oncoprint.pdf
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
