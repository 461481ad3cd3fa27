process REPORT {
    label 'process_single'

    input:
    path samplesheet
    path sheet_files, stageAs: 'inputs/*' // panel files and tables the samplesheet names
    path results, stageAs: 'results/*'
    path cohort_files

    output:
    path "report.html" , emit: html
    path "versions.yml", emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    lenall report \\
        --samplesheet ${samplesheet} \\
        --results results \\
        --outdir . \\
        --genome ${params.genome} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch report.html
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
