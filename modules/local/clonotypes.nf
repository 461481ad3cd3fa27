process CLONOTYPES {
    tag "${meta.sample}"
    label 'process_single'

    input:
    tuple val(meta), path(clonotypes)

    output:
    tuple val(meta), path("${meta.sample}.clonotypes.tsv")    , emit: tsv
    tuple val(meta), path("${meta.sample}.clonotypes.qc.json"), emit: qc
    path "versions.yml"                                    , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    lenall clonotypes \\
        --sample ${meta.sample} \\
        --clonotypes ${clonotypes} \\
        --outdir . \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch ${meta.sample}.clonotypes.tsv ${meta.sample}.clonotypes.qc.json
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
